"""Your ratings (/ratings/): every film the visitor rated, with their stars, sorted and
paginated, for the visitor alone; the same queries for one rating or thirty."""

import pytest
from django.test import Client
from django.urls import reverse

from films.catalog.models import Film
from pages.facets import catalog_facets
from tests.community.helpers import rate, visible_text
from tests.conftest import make_film
from tests.html import find_all, links, page, text

pytestmark = [
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
    pytest.mark.usefixtures("fresh_rate_limits"),
]

RATINGS = "/ratings/"


@pytest.fixture
def three(db) -> list[Film]:
    return [
        make_film(title="Ran", year=1985),
        make_film(title="Alien", year=1979),
        make_film(title="Heat", year=1995),
    ]


def cards(response) -> list[tuple[str, str]]:
    """(title, what the card says of the visitor's rating), in order."""
    return [
        (text(card, "h3 a"), text(card, ".own-rating"))
        for card in find_all(page(response), "li.personal-card")
    ]


def test_a_visitor_finds_the_films_they_rated_with_their_stars_newest_first(client, three):
    ran, alien, heat = three
    rate(client, ran, stars="5")
    rate(client, alien, stars="2")
    rate(client, heat, stars="4")
    rate(client, ran, stars="3")  # changed last: first

    response = client.get(RATINGS)

    assert text(page(response), "h1") == "Your ratings"
    assert "3 films rated." in visible_text(response)
    assert cards(response) == [
        ("Ran", "You gave it 3 stars. Change Ran"),
        ("Heat", "You gave it 4 stars. Change Heat"),
        ("Alien", "You gave it 2 stars. Change Alien"),
    ]
    change = links(find_all(page(response), "li.personal-card")[0], ".own-rating")
    assert change == [("Change Ran", f"{ran.get_absolute_url()}#rate")]


@pytest.mark.parametrize(
    "sort, titles",
    [("stars", ["Ran", "Heat", "Alien"]), ("title", ["Alien", "Heat", "Ran"]), ("nonsense", None)],
)
def test_the_ratings_sort_by_stars_or_as_the_catalog_lists(client, three, sort, titles):
    for film, stars in zip(three, ["5", "2", "4"], strict=True):
        rate(client, film, stars=stars)

    response = client.get(RATINGS, {"sort": sort})

    assert response.status_code == 200
    # An unknown order is the default one, newest first.
    assert [title for title, _ in cards(response)] == (titles or ["Heat", "Alien", "Ran"])


def test_the_ratings_are_the_visitors_own(client, three):
    rate(client, three[0], stars="5")

    stranger = Client().get(RATINGS)

    assert cards(stranger) == []
    assert "You have not rated a film yet." in visible_text(stranger)


def test_the_account_page_leads_to_the_ratings(client, three):
    rate(client, three[0], stars="5")

    account = page(client.get(reverse("accounts:account")))

    assert ("1 rating", RATINGS) in links(account, "section")


def test_the_ratings_page_in_french(client, three):
    rate(client, three[0], stars="1")

    response = client.get("/fr" + RATINGS)

    assert text(page(response), "h1") == "Vos notes"
    assert "Vous lui avez donné 1 étoile." in visible_text(response)


def test_the_ratings_page_runs_the_same_queries_for_one_rating_or_thirty(
    client, three, django_assert_num_queries
):
    rate(client, three[0], stars="5")
    catalog_facets()  # read once per version of the catalog (the footer's themes link)
    client.get(RATINGS)  # the card cached, as below

    # The count, the page of films with the visitor's stars.
    with django_assert_num_queries(2):
        client.get(RATINGS)
    for n in range(30):
        rate(client, make_film(title=f"Film {n}"), stars="3")
    client.get(RATINGS)  # the new cards cached
    with django_assert_num_queries(2):
        response = client.get(RATINGS)
    assert "31 films rated." in visible_text(response)
