"""The watchlist: "Want to see" on a film page, the visitor's list at /watchlist/ (sorted,
filtered), "Remove" and "Not interested"; anonymous by the visitor's cookie, as votes are;
bad requests answered with a clear 4xx."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from films.catalog.models import Film
from films.community.models import WatchlistEntry
from films.community.visitors import COOKIE_NAME
from pages.facets import catalog_facets
from tests.community.helpers import (
    freeze_rate_limit_clock,
    rate,
    visible_text,
)
from tests.conftest import make_film
from tests.html import find, find_all, page, text

pytestmark = [
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
    pytest.mark.usefixtures("fresh_rate_limits"),
]

WATCHLIST = "/watchlist/"


@pytest.fixture
def ran(db):
    return make_film(title="Ran", year=1985, genres=["Drama", "War"], rating_rank=4.2)


def change(client, film, action, **data):
    url = reverse("films:watchlist_change", args=[film.slug, film.pk])
    return client.post(url, {"action": action, **data})


def listed_titles(response) -> list[str]:
    return [text(find(card, "h3"), "a") for card in find_all(page(response), "article.film-card")]


def entries() -> list[tuple[str, str]]:
    return list(WatchlistEntry.objects.values_list("film__title", "kind").order_by("film__title"))


# --- Want to see, remove, not interested -----------------------------------------------


def test_a_visitor_without_an_account_adds_a_film_and_finds_it_on_their_watchlist(client, ran):
    response = change(client, ran, "want")

    assert response.status_code == 302
    assert response.url == ran.get_absolute_url() + "#watchlist"
    assert COOKIE_NAME in response.cookies
    assert list(WatchlistEntry.objects.values_list("film__title", "kind", "user")) == [
        ("Ran", "want", None)
    ]
    film_page = visible_text(client.get(response.url))
    assert "Ran is in your watchlist." in film_page
    assert "This film is in your watchlist." in film_page
    assert "Remove from my watchlist" in film_page
    assert listed_titles(client.get(WATCHLIST)) == ["Ran"]


def test_the_watchlist_is_the_visitors_own(client, ran):
    change(client, ran, "want")

    stranger = Client()

    assert listed_titles(stranger.get(WATCHLIST)) == []
    assert "Your watchlist is empty." in visible_text(stranger.get(WATCHLIST))
    film_page = visible_text(stranger.get(ran.get_absolute_url()))
    assert "This film is in your watchlist." not in film_page
    assert "Want to see" in film_page


def test_adding_a_film_twice_keeps_one_entry(client, ran):
    change(client, ran, "want")
    change(client, ran, "want")

    assert entries() == [("Ran", "want")]


def test_a_visitor_removes_a_film_from_the_watchlist_page_and_comes_back_to_it(client, ran):
    change(client, ran, "want")

    response = change(client, ran, "remove", next="/watchlist/?sort=title")

    assert response.status_code == 302 and response.url == "/watchlist/?sort=title"
    assert entries() == []
    after = client.get(response.url)
    assert "Ran was removed from your watchlist." in visible_text(after)
    assert listed_titles(after) == []


def test_not_interested_takes_a_film_off_the_watchlist_and_the_film_page_says_so(client, ran):
    change(client, ran, "want")

    change(client, ran, "not_interested")

    assert entries() == [("Ran", "not_interested")]
    film_page = visible_text(client.get(ran.get_absolute_url()))
    assert "Noted: Ran will not be suggested to you." in film_page
    assert "You said you are not interested in this film" in film_page
    assert listed_titles(client.get(WATCHLIST)) == []


def test_want_to_see_puts_a_dismissed_film_back_and_remove_leaves_it_dismissed(client, ran):
    change(client, ran, "not_interested")
    change(client, ran, "remove")
    assert entries() == [("Ran", "not_interested")]

    change(client, ran, "want")

    assert entries() == [("Ran", "want")]


def test_a_signed_in_visitor_keeps_the_watchlist_on_their_account(client, ran):
    user = User.objects.create_user("ada", password="a long password 123")
    client.force_login(user)

    change(client, ran, "want")

    entry = WatchlistEntry.objects.get()
    assert (entry.visitor, entry.user) == (f"user:{user.pk}", user)
    other_browser = Client()
    other_browser.force_login(user)
    assert listed_titles(other_browser.get(WATCHLIST)) == ["Ran"]


def test_a_form_sent_back_to_another_site_comes_back_to_the_film_instead(client, ran):
    response = change(client, ran, "want", next="https://elsewhere.example/")

    assert response.url == ran.get_absolute_url() + "#watchlist"


# --- Bad requests ----------------------------------------------------------------------


def test_an_unknown_film_is_a_404_that_says_so(client, ran):
    url = reverse("films:watchlist_change", args=["no-such-film", ran.pk + 1000])

    response = client.post(url, {"action": "want"})

    assert response.status_code == 404
    assert "There is no such film." in visible_text(response)
    assert entries() == []


def test_an_unknown_action_is_a_400_that_says_what_to_choose(client, ran):
    response = change(client, ran, "love")

    assert response.status_code == 400
    assert "Choose “Want to see”, “Remove” or “Not interested”." in visible_text(response)
    assert entries() == []


@pytest.mark.parametrize("method", ["get", "head"])
def test_opening_the_form_address_is_a_405_that_says_what_it_takes(client, ran, method):
    url = reverse("films:watchlist_change", args=[ran.slug, ran.pk])

    response = getattr(client, method)(url)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    if method == "get":
        assert "Use the watchlist buttons of the film’s page" in visible_text(response)
    assert entries() == []


def test_a_form_without_its_csrf_token_is_refused_with_a_403(ran):
    browser = Client(enforce_csrf_checks=True)

    response = change(browser, ran, "want")

    assert response.status_code == 403
    assert "Your form could not be sent" in visible_text(response)
    assert entries() == []


def test_the_film_page_form_carries_its_csrf_token(client, ran):
    form = find(page(client.get(ran.get_absolute_url())), "form.watchlist-form")

    assert form.get("method") == "post"
    assert form.get("action") == reverse("films:watchlist_change", args=[ran.slug, ran.pk])
    assert find(form, "input[name=csrfmiddlewaretoken]").get("value")


def test_too_many_changes_from_one_address_are_a_429(client, ran, monkeypatch):
    freeze_rate_limit_clock(monkeypatch)
    for _ in range(120):
        assert change(client, ran, "want").status_code == 302

    response = change(client, ran, "remove")

    assert response.status_code == 429
    assert "You have changed your watchlist several times" in visible_text(response)
    assert entries() == [("Ran", "want")]


@pytest.mark.parametrize("number", ["0", "x", "²"])
def test_a_page_number_that_is_no_number_of_a_page_is_a_404(client, ran, number):
    change(client, ran, "want")

    assert client.get(f"{WATCHLIST}?page={number}").status_code == 404


def test_removing_the_last_film_of_the_last_page_leads_back_to_the_new_last_page(client, db):
    films = [make_film(title=f"Film {n:02d}", year=2000) for n in range(24)]
    for film in films:
        change(client, film, "want")
    second_page = f"{WATCHLIST}?page=2"
    shown = listed_titles(client.get(second_page))
    assert len(shown) == 4

    removed = Film.objects.get(title=shown[-1])
    response = change(client, removed, "remove", next=second_page)

    assert response.status_code == 302 and response["Location"] == second_page
    # 23 films now fit on one page (orphans): the last page, not a 404.
    assert len(listed_titles(client.get(second_page))) == 23


# --- The list: sorted and filtered ----------------------------------------------------


@pytest.fixture
def four(db, client):
    """Four films added in this order: Ran, Alien, Zelig, Heat."""
    films = [
        make_film(title="Ran", year=1985, genres=["Drama", "War"], rating_rank=4.2),
        make_film(title="Alien", year=1979, genres=["Horror"], rating_rank=4.4),
        make_film(title="Zelig", year=1983, genres=["Comedy"], rating_rank=3.5),
        make_film(title="Heat", year=1995, genres=["Drama", "Crime"], rating_rank=4.0),
    ]
    for film in films:
        change(client, film, "want")
    make_film(title="Not listed", genres=["Drama"])
    return films


@pytest.mark.parametrize(
    "sort, titles",
    [
        ("", ["Heat", "Zelig", "Alien", "Ran"]),  # the most recently added first
        ("added", ["Heat", "Zelig", "Alien", "Ran"]),
        ("title", ["Alien", "Heat", "Ran", "Zelig"]),
        ("year", ["Heat", "Ran", "Zelig", "Alien"]),
        ("year-asc", ["Alien", "Zelig", "Ran", "Heat"]),
        ("rating", ["Alien", "Ran", "Heat", "Zelig"]),
        ("nonsense", ["Heat", "Zelig", "Alien", "Ran"]),
    ],
)
def test_the_watchlist_sorts_its_films(client, four, sort, titles):
    assert listed_titles(client.get(f"{WATCHLIST}?sort={sort}")) == titles


def test_the_watchlist_filters_by_genre_offering_only_the_genres_of_its_films(client, four):
    response = client.get(f"{WATCHLIST}?genre=drama&sort=title")

    assert listed_titles(response) == ["Heat", "Ran"]
    options = [o.get("value") for o in find_all(page(response), "select[name=genre] option")]
    assert options == ["", "comedy", "crime", "drama", "horror", "war"]
    assert "2 films." in visible_text(response)


def test_the_watchlist_offers_only_the_decades_of_its_films(client, four):
    make_film(title="Not listed either", year=1962)

    response = client.get(WATCHLIST)

    options = [o.get("value") for o in find_all(page(response), "select[name=decade] option")]
    assert options == ["", "1990", "1980", "1970"]


def test_an_unknown_genre_shows_the_error_and_no_film_not_a_500(client, four):
    response = client.get(f"{WATCHLIST}?genre=western")

    assert response.status_code == 200
    assert listed_titles(response) == []
    assert find_all(page(response), "form.filters p.error")


def test_the_watchlist_cards_offer_remove_and_not_interested_back_to_the_page(client, four):
    response = client.get(f"{WATCHLIST}?sort=title")

    forms = find_all(page(response), "form.card-actions")
    assert len(forms) == 4
    buttons = [(b.get("value"), text(b)) for b in find_all(forms[0], "button")]
    assert buttons == [("remove", "Remove Alien"), ("not_interested", "Not interested Alien")]
    assert find(forms[0], "input[name=next]").get("value") == "/watchlist/?sort=title"


def test_the_watchlist_in_french(client, four):
    response = client.get("/fr/watchlist/?sort=title")

    content = visible_text(response)
    assert "Votre liste à voir" in content
    assert "Retirer Alien" in content and "Pas intéressé Alien" in content
    assert "Ajoutés récemment" in content


# --- The film page's queries and its cached copy ---------------------------------------


def test_the_watchlist_state_and_the_vote_cost_the_film_page_one_query_together(client, ran):
    def film_page_queries(browser) -> int:
        with CaptureQueriesContext(connection) as context:
            response = browser.get(ran.get_absolute_url())
        assert response.status_code == 200
        return len(context.captured_queries)

    catalog_facets()  # read once per version of the catalog (the footer's themes link)
    film_page_queries(Client())  # the film's details now cached, as for the next ones
    stranger = film_page_queries(Client())
    change(client, ran, "want")
    rate(client, ran, stars="4")
    client.get(ran.get_absolute_url())  # the messages shown

    assert film_page_queries(client) == stranger + 1


def test_a_film_page_stored_whole_never_shows_a_visitors_watchlist(settings, client, ran):
    settings.WHOLE_PAGE_CACHE = True
    stranger = Client()
    stranger.get(ran.get_absolute_url())  # stored whole

    change(client, ran, "want")
    client.get(ran.get_absolute_url())  # the message shown

    assert "This film is in your watchlist." in visible_text(client.get(ran.get_absolute_url()))
    from_cache = visible_text(stranger.get(ran.get_absolute_url()))
    assert "This film is in your watchlist." not in from_cache
    assert re.search(r"Want to see it\? Want to see", from_cache)
