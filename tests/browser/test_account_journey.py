"""A visitor who rated films without an account signs up and finds them in it, then on
another device; in Chromium, with JavaScript and without it."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import card_titles, heading, with_and_without_javascript

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

PASSWORD = "a long enough passphrase 42"


@with_and_without_javascript
def test_a_visitor_signs_up_and_keeps_what_they_rated_on_another_device(
    page, browser, live_server, catalog, javascript
):
    # Anonymous: a rating and a film to see.
    page.goto(catalog.vegas.get_absolute_url())
    rate = page.locator("section.rate")
    rate.get_by_role("radio", name="5 stars", exact=True).check()
    rate.get_by_role("button", name="Save my rating").click()
    expect(rate.get_by_role("status")).to_contain_text("Thank you!")
    page.goto(catalog.timecode.get_absolute_url())
    page.locator("form.watchlist-form").get_by_role("button", name="Want to see").click()
    expect(page.locator("form.watchlist-form")).to_contain_text("This film is in your watchlist.")

    # Sign up from the header, and come back to the page.
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Sign in").click()
    expect(heading(page)).to_have_text("Sign in")
    page.get_by_role("link", name="Create one").click()
    expect(heading(page)).to_have_text("Create an account")
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Email address").fill("grace@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(heading(page)).to_have_text("Timecode (2000)")
    expect(page.locator(".account-status")).to_have_text(
        [
            "Welcome, grace.",
            "What you gave on this browser is now in your account: 1 rating, "
            "1 film on your watchlist.",
        ]
    )
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Account").click()
    expect(page.get_by_role("region", name="What you gave the site")).to_contain_text("1 rating")

    # Another device: signing in brings the rating and the watchlist there.
    phone = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    other = phone.new_page()
    other.goto("/account/sign-in/")
    other.get_by_label("Username").fill("grace")
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    expect(heading(other)).to_have_text("Your account")
    other.goto("/watchlist/")
    expect(other.locator(".film-card-title a")).to_have_text(["Timecode"])
    other.goto("/for-you/")
    expect(other.locator("li.personal-card").first.locator(".why")).to_contain_text(
        "Because you liked Leaving Las Vegas:"
    )
    assert "Leaving Las Vegas" not in card_titles(other)
    phone.close()

    # Signing out: this browser is anonymous again, with nothing of the account.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/watchlist/")
    expect(heading(page)).to_have_text("Your watchlist")
    expect(page.get_by_text("Your watchlist is empty.")).to_be_visible()
