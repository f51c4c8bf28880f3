"""For you: films like the ones the visitor rated well, each with why; films like the ones
they rated 1 or 2 stars pushed away; rated and dismissed films left out; a page that says
how to start; the same queries for 1 vote or 200."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from films.catalog.models import Film
from films.community.services import vote_submit
from films.community.visitors import Visitor
from pages.facets import catalog_facets
from recommendations.models import FilmRecommendations
from tests.community.helpers import rate, visible_text
from tests.html import find, find_all, page, text, texts
from tests.pages.directors import make_directors_catalog
from tests.recommendations.catalog import add_bare_films

pytestmark = [
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
    pytest.mark.usefixtures("fresh_rate_limits"),
]

FOR_YOU = "/for-you/"


@pytest.fixture
def films(db) -> dict[str, Film]:
    """The directors' catalog (tests/pages/directors.py) and a well rated film to start
    with."""
    return make_directors_catalog(
        classic={
            "title": "Classic",
            "year": 1950,
            "rating_count": 40,
            "rating_average": 4.5,
            "rating_rank": 4.4,
        }
    )


def titles(response) -> list[str]:
    return [text(find(card, "h3"), "a") for card in find_all(page(response), "li.personal-card")]


def because(response, title: str) -> list[str]:
    """The "Because you liked" lines of the card of `title`."""
    for card in find_all(page(response), "li.personal-card"):
        if text(find(card, "h3"), "a") == title:
            return texts(card, "p.why")
    raise AssertionError(f"no card for {title}")


# --- Ranked and explained ---------------------------------------------------------------


def test_it_suggests_films_like_those_rated_well_and_says_why(client, films):
    rate(client, films["alien"], stars="5")
    rate(client, films["blade"], stars="4")

    response = client.get(FOR_YOU)

    # The Martian shares its director with both and its genre with Blade Runner.
    assert titles(response) == ["The Martian", "Gladiator"]
    assert because(response, "Gladiator") == [
        "Because you liked Alien and Blade Runner: Same director: Ridley Scott"
    ]
    assert because(response, "The Martian") == [
        "Because you liked Blade Runner: Same director: Ridley Scott · Only its genre: Noir",
        "Because you liked Alien: Same director: Ridley Scott",
    ]


def test_a_film_rated_1_star_pushes_its_similar_films_away(client, films):
    rate(client, films["alien"], stars="5")
    # Alike for Alien (one shared director each): in the order of their ids.
    assert titles(client.get(FOR_YOU)) == ["Blade Runner", "Gladiator", "The Martian"]

    rate(client, films["armageddon"], stars="1")

    # Gladiator, a Michael Bay film too, is pushed out; The Rock was never in.
    assert titles(client.get(FOR_YOU)) == ["Blade Runner", "The Martian"]


def test_a_film_rated_2_stars_counts_half_as_much_as_one_rated_1(db):
    liked, disliked, pushed, kept = add_bare_films(4)
    built_at = "2026-01-01T00:00:00Z"
    FilmRecommendations.objects.create(
        film=liked,
        suggestions=[
            {"id": pushed.pk, "score": 3.0, "reasons": {}},
            {"id": kept.pk, "score": 2.0, "reasons": {}},
        ],
        built_at=built_at,
    )
    FilmRecommendations.objects.create(
        film=disliked,
        suggestions=[{"id": pushed.pk, "score": 1.5, "reasons": {}}],
        built_at=built_at,
    )
    from pages.views.for_you import rank

    def ranked(stars: int) -> list[tuple[int, float]]:
        votes = [(disliked.pk, stars), (liked.pk, 4)]
        return [(c.film_id, c.score) for c in rank(votes, {})]

    assert ranked(2) == [(kept.pk, 2.0), (pushed.pk, 1.5)]  # 3 - 1.5
    assert ranked(1) == [(kept.pk, 2.0)]  # 3 - 2 × 1.5: none left
    assert ranked(3) == [(pushed.pk, 3.0), (kept.pk, 2.0)]  # 3 stars weigh nothing


def test_rated_and_dismissed_films_are_left_out_and_listed_ones_are_marked(client, films):
    rate(client, films["alien"], stars="5")
    rate(client, films["gladiator"], stars="3")  # seen: not suggested, whatever the stars
    change = reverse("films:watchlist_change", args=[films["blade"].slug, films["blade"].pk])
    client.post(change, {"action": "not_interested", "next": FOR_YOU})
    martian = films["martian"]
    client.post(
        reverse("films:watchlist_change", args=[martian.slug, martian.pk]), {"action": "want"}
    )

    response = client.get(FOR_YOU)

    assert titles(response) == ["The Martian"]
    card = find(page(response), "li.personal-card")
    assert text(card, ".in-watchlist") == "In your watchlist"
    assert [b.get("value") for b in find_all(card, "button")] == ["not_interested"]


def test_not_interested_on_a_card_comes_back_to_for_you_without_the_film(client, films):
    rate(client, films["alien"], stars="5")
    form = find_all(page(client.get(FOR_YOU)), "form.card-actions")[0]
    assert find(form, "input[name=next]").get("value") == FOR_YOU

    response = client.post(form.get("action"), {"action": "not_interested", "next": FOR_YOU})

    assert response.status_code == 302 and response.url == FOR_YOU
    after = client.get(FOR_YOU)
    assert "Noted: Blade Runner will not be suggested to you." in visible_text(after)
    assert titles(after) == ["Gladiator", "The Martian"]


def test_it_changes_at_the_next_request_after_a_vote(client, films):
    rate(client, films["shining"], stars="5")
    assert titles(client.get(FOR_YOU)) == []

    rate(client, films["blade"], stars="4")

    response = client.get(FOR_YOU)
    assert titles(response) == ["The Martian", "Alien", "Gladiator"]
    assert "no-store" in response["Cache-Control"]


# --- Nothing to suggest yet ---------------------------------------------------------------


def test_without_a_vote_it_says_how_to_start_and_offers_well_rated_films(films):
    response = Client().get(FOR_YOU)

    content = visible_text(response)
    assert "Rate the films you have seen, and this page suggests films like" in content
    assert texts(page(response), "#starters ~ ul h3.film-card-title") == ["Classic (1950)"]
    assert titles(response) == []


def test_with_votes_but_none_of_4_or_5_stars_it_says_so(client, films):
    rate(client, films["alien"], stars="3")

    content = visible_text(client.get(FOR_YOU))

    assert "you have given none yet" in content


def test_with_nothing_left_to_suggest_it_says_so_without_offering_rated_films(client, films):
    rate(client, films["classic"], stars="5")

    response = client.get(FOR_YOU)

    assert "Nothing to suggest yet" in visible_text(response)
    assert find_all(page(response), "#starters") == []  # Classic, rated, is not offered


@pytest.mark.parametrize("number", ["0", "x"])
def test_a_page_number_that_is_no_number_of_a_page_is_a_404(client, films, number):
    rate(client, films["alien"], stars="5")

    assert client.get(f"{FOR_YOU}?page={number}").status_code == 404


def test_a_page_past_the_end_is_the_last_one_as_after_a_film_was_dismissed(client, films):
    # "Not interested" on the last film of the last page comes back to that page.
    rate(client, films["alien"], stars="5")

    first = titles(client.get(FOR_YOU))
    assert first
    assert titles(client.get(f"{FOR_YOU}?page=2")) == first


# --- Queries --------------------------------------------------------------------------

# The For you page's queries, whatever the number of votes:
#   1. the visitor's votes (films_vote), film and stars only
#   2. their watchlist (films_watchlistentry), film and kind only
#   3. the similar films of the 200 newest 4-5 star votes and the 100 newest 1-2 star ones
#      (recommendations_filmrecommendations)
#   4. the page's films and the liked films their reasons name (films_film)
#   5. the facts of the cards not cached (pages.cards; films_credit)
#   6. the names of the people the reasons mention (films_person); genres and themes add
#      one each when the reasons mention some
FOR_YOU_QUERIES = 6


def test_the_page_runs_the_same_queries_for_1_or_200_votes(films, django_assert_num_queries):
    catalog_facets()  # read once per version of the catalog (the footer's themes link)
    bare = list(Film.objects.filter(title__startswith="Bare film")[:199])
    one, many = Client(), Client()
    rate(one, films["alien"], stars="5")
    rate(many, films["alien"], stars="5")
    # The many's other votes: 4 or 5 stars, and a few dislikes, on films with no suggestion.
    key = many.cookies["filmsite_visitor"].value.split(":")[0]
    for n, film in enumerate(bare):
        vote_submit(film_id=film.pk, visitor=Visitor(cookie_id=key), stars=(4, 5, 1)[n % 3])

    with django_assert_num_queries(FOR_YOU_QUERIES):
        first = one.get(FOR_YOU)
    cache.clear()  # the cards' bodies read again
    catalog_facets()
    with django_assert_num_queries(FOR_YOU_QUERIES):
        second = many.get(FOR_YOU)

    assert titles(first) == titles(second) == ["Blade Runner", "Gladiator", "The Martian"]


# --- In French ------------------------------------------------------------------------


def test_the_page_in_french(client, films):
    rate(client, films["alien"], stars="5")
    rate(client, films["blade"], stars="4")

    response = client.get(f"/fr{FOR_YOU}")

    content = visible_text(response)  # which makes every space a plain one
    assert "Pour vous" in content
    assert (
        "Parce que vous avez aimé Alien et Blade Runner : Même réalisateur : Ridley Scott"
        in content
    )
    assert "Pas intéressé Gladiator" in content
    # A narrow no-break space before the colon, as French writes it.
    assert "Parce que vous avez aimé Alien et Blade Runner\u202f:" in response.content.decode()
