"""Chromium keeps to the Content-Security-Policy on every kind of page and in the admin (sign
in, a change form, its autocomplete), and finds nothing the policy refuses: no inline script
or style, nothing from elsewhere. The header itself: tests/test_headers.py."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

# Each violation as the page's scripts see it.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


@pytest.fixture
def problems(page):
    """The console's errors on the pages visited, but for a missing file (the admin's pages
    link no icon, so Chromium asks for /favicon.ico): what Chromium says of the policies."""
    found: list[str] = []
    page.add_init_script(WATCH)

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            found.append(message.text)

    page.on("console", on_console)
    return found


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def test_no_page_breaks_the_policy(page, catalog, problems):
    for name, url in catalog.urls.items():
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"], name
        assert violations(page) == [], name
    # The scripts run: the search box suggests, a vote is sent without reloading.
    page.goto("/")
    page.get_by_role("combobox", name="Search a film or a person").press_sequentially("las veg")
    expect(page.get_by_role("option", name=re.compile("^Leaving Las Vegas"))).to_be_visible()
    page.goto(catalog.vegas.get_absolute_url())
    rate = page.locator("section.rate")
    rate.get_by_role("radio", name="2 stars", exact=True).check()
    rate.get_by_role("button", name="Save my rating").click()
    expect(rate.get_by_role("status")).to_contain_text("Thank you!")
    expect(page.locator("header.film-header")).to_contain_text("70% · 3.5/5")  # stars too
    assert violations(page) == []
    assert problems == []


def test_the_admin_works_under_the_policy(page, catalog, problems):
    get_user_model().objects.create_superuser("curator", "curator@example.org", "a long secret")
    page.goto(reverse("admin:index"))
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a long secret")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert violations(page) == []

    page.goto(reverse("admin:films_film_change", args=[catalog.vegas.pk]))
    # The genres' autocomplete (select2, from the admin's own scripts) searches and adds.
    genres = page.locator(".field-genres .select2-container")
    genres.click()
    page.locator(".select2-search__field:focus").fill("thr")
    page.get_by_role("option", name="Thriller").click()
    expect(genres).to_contain_text("Thriller")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator(".field-genres")).to_contain_text("Thriller")
    assert violations(page) == []
    assert problems == []
