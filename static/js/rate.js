// Sends a rating without reloading the page. Without this script the same form posts
// and the page reloads with the same result: the server decides everything.
(function () {
  "use strict";
  const form = document.querySelector("form[data-rate-form]");
  if (!form || !window.fetch || !window.FormData) return;
  // The film's rating, at the top of the page.
  const summaries = document.querySelectorAll("[data-rating-summary]");
  const status = form.querySelector("[data-rate-status]");
  const legend = form.querySelector("[data-rate-legend]");
  const withdraw = form.querySelector("[data-rate-withdraw]");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
    }
    status.textContent = form.dataset.saving;
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          return { ok: response.ok, answer: answer };
        });
      })
      .then(function (result) {
        const answer = result.answer;
        if (!result.ok) {
          status.textContent = answer.error || form.dataset.failed;
          return;
        }
        // Rendered and escaped by the server (includes/rating_summary.html).
        summaries.forEach(function (summary) {
          summary.innerHTML = answer.rating_html;
        });
        status.textContent = answer.message;
        // Worded by the server, in the page's language.
        legend.textContent = answer.legend;
        if (!answer.stars) {
          form.querySelectorAll("input[name=stars]").forEach(function (radio) {
            radio.checked = false;
          });
        }
        if (withdraw) withdraw.hidden = !answer.stars;
      })
      .catch(function () {
        // The network or the answer failed: fall back to a plain form post.
        form.submit();
      });
  });
})();
