"""What a visitor does on the site, in Chromium, with JavaScript and without it."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.tools import waiting_for_comments, waiting_for_ratings

# Whitenoise warns that collectstatic has not been run; the live server serves static/ itself.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

with_and_without_javascript = pytest.mark.parametrize(
    "javascript", [True, False], ids=["js", "no-js"]
)


def heading(page):
    return page.get_by_role("heading", level=1)


def card_titles(scope) -> list[str]:
    return scope.locator(".film-card-title a").all_inner_texts()


def test_a_visitor_finds_a_film_by_typing_and_choosing_a_suggestion_with_the_keyboard(
    page, catalog
):
    page.goto("/")
    box = page.get_by_role("combobox", name="Search a film or a person")
    box.press_sequentially("las veg", delay=40)
    option = page.get_by_role("option", name=re.compile(r"^Leaving Las Vegas \(1995\)"))
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#search-status")).to_have_text(
        re.compile(r"^\d+ suggestions?, use up and down arrows to choose\.$")
    )

    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    box.press("Enter")

    expect(page).to_have_url(re.compile(re.escape(catalog.vegas.get_absolute_url()) + "$"))
    expect(heading(page)).to_have_text("Leaving Las Vegas (1995)")


@pytest.mark.parametrize("javascript", [False], ids=["no-js"])
def test_without_javascript_searching_shows_results_that_lead_to_the_film(page, catalog):
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search a film or a person")
    box.fill("las vegas")
    box.press("Enter")

    expect(heading(page)).to_have_text("Search results for “las vegas”")
    films = page.get_by_role("region", name="Films")
    expect(films.locator(".film-card-title a")).to_have_text(["Leaving Las Vegas"])
    films.get_by_role("link", name="Leaving Las Vegas").click()
    expect(heading(page)).to_have_text("Leaving Las Vegas (1995)")


@with_and_without_javascript
@waiting_for_ratings
def test_a_visitor_rates_a_film_and_sees_the_new_average(page, catalog, javascript):
    page.goto(catalog.vegas.get_absolute_url())
    rate = page.locator("section.rate")
    rating = page.locator("header.film-header")  # the film's rating, at the top
    expect(rating).to_contain_text("80% · 4.0/5")
    expect(rating).to_contain_text("Average in the catalog, 3 ratings.")

    rate.get_by_role("radio", name="2 stars", exact=True).check()
    rate.get_by_role("button", name="Save my rating").click()

    # (4.0 × 3 + 2) / 4 = 3.5, shown in place with JavaScript, after a reload without.
    expect(rating).to_contain_text("70% · 3.5/5")
    expect(rating).to_contain_text("Average in the catalog, 3 ratings, and 1 vote on filmsite.")
    expect(rate.get_by_role("status")).to_contain_text("Thank you!")
    expect(rate.locator("legend")).to_have_text("You gave it 2 stars. Change your rating:")
    page.reload()
    expect(rating).to_contain_text("70% · 3.5/5")
    expect(rating).to_contain_text("Average in the catalog, 3 ratings, and 1 vote on filmsite.")
    expect(rate.get_by_role("radio", name="2 stars", exact=True)).to_be_checked()


@with_and_without_javascript
@waiting_for_comments
def test_a_visitor_leaves_a_comment_and_sees_it(page, catalog, javascript):
    page.goto(catalog.vegas.get_absolute_url())
    shown_at = time.monotonic()
    comments = page.locator("#comments")
    comments.get_by_label("Name", exact=True).fill("Ada")
    comments.get_by_label("Comment", exact=True).fill("Cage at his best.\nAnd Shue too.")
    # The form refuses what is sent sooner after showing it than a person could write.
    page.wait_for_timeout(max(0, 3.2 - (time.monotonic() - shown_at)) * 1000)
    comments.get_by_role("button", name=re.compile("comment", re.IGNORECASE)).click()

    comment = comments.get_by_role("listitem").filter(has_text="Cage at his best.")
    expect(comment).to_contain_text("Ada")
    expect(comment).to_contain_text("And Shue too.")


@with_and_without_javascript
def test_a_visitor_follows_a_suggested_film(page, catalog, javascript):
    page.goto(catalog.vegas.get_absolute_url())
    similar = page.get_by_role("region", name="Films similar to Leaving Las Vegas")
    # The other Mike Figgis films, explained; Con Air shares only an actor, not enough.
    assert sorted(card_titles(similar)) == ["Mr. Jones", "One Night Stand", "Timecode"]
    expect(similar.locator(".why").first).to_contain_text("Same director: Mike Figgis")

    first = card_titles(similar)[0]
    similar.get_by_role("link", name=first, exact=True).click()
    expect(heading(page)).to_contain_text(first)
    expect(page.get_by_role("region", name=f"Films similar to {first}")).to_contain_text(
        "Leaving Las Vegas"
    )


@with_and_without_javascript
def test_a_visitor_opens_a_person_and_a_genre_from_a_film(page, catalog, javascript):
    page.goto(catalog.vegas.get_absolute_url())
    page.locator(".facts").get_by_role("link", name="Mike Figgis").first.click()
    expect(heading(page)).to_have_text("Mike Figgis")
    directed = page.get_by_role("region", name=re.compile("^Films directed"))
    expect(directed.get_by_role("link")).to_have_text(
        ["Timecode", "One Night Stand", "Leaving Las Vegas", "Mr. Jones"]  # newest first
    )

    page.go_back()
    page.locator(".facts").get_by_role("link", name="Romance").click()
    expect(heading(page)).to_have_text("Romance films")
    expect(page.locator(".film-card-title a")).to_have_text(
        ["Leaving Las Vegas", "One Night Stand", "Mr. Jones"]
    )


@with_and_without_javascript
def test_a_visitor_filters_the_browse_page(page, catalog, javascript):
    page.goto("/browse/")
    genres = page.get_by_role("group", name="Genres")
    genres.get_by_label("Drama", exact=True).check()
    genres.get_by_label("Romance", exact=True).check()
    page.get_by_role("group", name="Films with").get_by_label("all of them").check()
    page.get_by_label("From year").fill("1995")
    page.get_by_role("button", name="Show films").click()

    expect(page).to_have_url(re.compile(r"genre=drama&genre=romance.*year_from=1995"))
    main = page.get_by_role("main")
    expect(main.get_by_role("status")).to_have_text("2 films.")
    expect(main.locator(".film-card-title a")).to_have_text(
        ["Leaving Las Vegas", "One Night Stand"]
    )
    # The form keeps what was chosen, to refine it.
    expect(genres.get_by_label("Drama", exact=True)).to_be_checked()


@with_and_without_javascript
@waiting_for_ratings
def test_a_visitor_rates_a_film_then_for_you_suggests_like_it_and_keeps_a_watchlist(
    page, catalog, javascript
):
    page.goto(catalog.vegas.get_absolute_url())
    rate = page.locator("section.rate")
    rate.get_by_role("radio", name="5 stars", exact=True).check()
    rate.get_by_role("button", name="Save my rating").click()
    expect(rate.get_by_role("status")).to_contain_text("Thank you!")

    page.goto("/for-you/")
    expect(heading(page)).to_have_text("For you")
    suggested = card_titles(page)
    assert "Timecode" in suggested and "Leaving Las Vegas" not in suggested
    first = suggested[0]
    card = page.locator("li.personal-card").first
    expect(card.locator(".why")).to_contain_text("Because you liked Leaving Las Vegas:")

    # Not interested: the page comes back without that film.
    card.get_by_role("button", name=f"Not interested {first}").click()
    expect(heading(page)).to_have_text("For you")
    expect(
        page.locator(".film-card-title a", has_text=re.compile(f"^{re.escape(first)}$"))
    ).to_have_count(0)

    # Want to see, on a film page: the watchlist lists it.
    page.goto(catalog.timecode.get_absolute_url())
    page.locator("form.watchlist-form").get_by_role("button", name="Want to see").click()
    expect(page.locator("form.watchlist-form")).to_contain_text("This film is in your watchlist.")
    page.goto("/watchlist/")
    expect(page.locator(".film-card-title a")).to_have_text(["Timecode"])


@with_and_without_javascript
def test_a_visitor_mixes_two_films_and_sees_films_like_both_then_removes_one(
    page, catalog, javascript
):
    page.goto(catalog.vegas.get_absolute_url())
    page.get_by_role("link", name="Start a mix with Leaving Las Vegas").click()
    expect(heading(page)).to_have_text("Films like these")
    mix = page.get_by_role("region", name="The mix")
    expect(mix.locator(".mix-film")).to_have_text(["Leaving Las Vegas"])

    # A second film by its title: the one film of that title joins the mix.
    mix.get_by_label("Add a film by its title").fill("timecode")
    mix.get_by_role("button", name="Add to the mix").click()

    expect(heading(page)).to_have_text("Films like Leaving Las Vegas and Timecode")
    like_both = page.get_by_role("region", name="Like both")
    # The other Mike Figgis films, with why for each film of the mix.
    assert sorted(card_titles(like_both)) == ["Mr. Jones", "One Night Stand"]
    reasons = like_both.locator(".like-why").first
    expect(reasons.get_by_role("listitem")).to_have_text(
        [
            re.compile(r"^Like Leaving Las Vegas: Same director: Mike Figgis"),
            re.compile(r"^Like Timecode: Same director: Mike Figgis"),
        ]
    )

    page.get_by_role("link", name="Remove Timecode from the mix").click()
    expect(heading(page)).to_have_text("Films like these")
    expect(page.get_by_role("region", name="The mix").locator(".mix-film")).to_have_text(
        ["Leaving Las Vegas"]
    )
    expect(page).to_have_url(re.compile(rf"/like/\?films={catalog.vegas.pk}$"))
