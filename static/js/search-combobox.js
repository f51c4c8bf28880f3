// Turns the search box into an accessible combobox (WAI-ARIA 1.2 pattern): suggestions
// as you type, Up/Down to move, Enter to open, Escape to close. Without this script the
// box is a plain search form that works the same.
(function () {
  "use strict";
  const form = document.querySelector("form[data-suggest-url]");
  if (!form || !window.fetch) return;
  const input = form.querySelector("input[type=search]");
  const list = document.getElementById("search-suggestions");
  const status = document.getElementById("search-status");
  let results = [];
  let active = -1;
  let timer = null;
  let controller = null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function render() {
    list.replaceChildren();
    results.forEach(function (result, index) {
      const option = document.createElement("li");
      option.id = "search-option-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", index === active ? "true" : "false");
      option.className = "suggestion";
      const kind = document.createElement("span");
      kind.className = "suggestion-kind";
      kind.textContent = result.kind;
      option.append(document.createTextNode(result.label + " "), kind);
      option.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep focus in the box
        window.location.assign(result.url);
      });
      list.append(option);
    });
    const open = results.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", "search-option-" + active);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function fetchSuggestions() {
    const query = input.value.trim();
    if (query.length < 2) { results = []; close(); return; }
    if (controller) controller.abort();
    controller = new AbortController();
    const url = form.dataset.suggestUrl + "?q=" + encodeURIComponent(query);
    fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (input.value.trim() !== query) return;
        results = data.results || [];
        active = -1;
        render();
        // What a screen reader announces, worded by the server in the page's language.
        status.textContent = data.status || "";
      })
      .catch(function () { /* aborted or offline: the form still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!results.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + results.length) % results.length;
      render();
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      window.location.assign(results[active].url);
    } else if (event.key === "Escape") {
      if (!list.hidden) { event.preventDefault(); close(); }
    }
  });

  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
