"""Ratings: any visitor gives a film 1 to 5 stars, changes or withdraws them; the film's
figures stay exact, also when many vote at once; sorting by rating is weighted."""

import math
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from films.catalog.models import Film
from films.catalog.ratings import combine_ratings
from films.community import services as community
from films.community.models import Vote
from films.community.services import vote_submit, vote_withdraw
from films.community.visitors import COOKIE_NAME, Visitor
from pages.facets import catalog_facets
from pages.views.community import wait_phrase
from tests.community.helpers import (
    all_at_once as run_all_at_once,
)
from tests.community.helpers import (
    freeze_rate_limit_clock,
    needs_concurrent_writers,
    rate,
    visible_text,
)
from tests.conftest import make_film

# Whitenoise warns that collectstatic has not been run; pages need no static files here.
pytestmark = [
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
    pytest.mark.usefixtures("fresh_rate_limits"),
]


@pytest.fixture
def ran(db):
    return make_film(title="Ran", year=1985, genres=["Drama"])


def figures(film) -> tuple[int, int]:
    film.refresh_from_db()
    return film.votes_count, film.votes_sum


# --- Giving, changing, withdrawing -------------------------------------------------------


def test_a_visitor_without_an_account_rates_a_film_and_sees_their_vote(client, ran):
    response = rate(client, ran, stars="4")

    assert response.status_code == 302
    assert response.url == ran.get_absolute_url() + "#rate"
    assert list(Vote.objects.values_list("film__title", "stars", "user")) == [("Ran", 4, None)]
    assert figures(ran) == (1, 4)

    page = client.get(response.url)
    text = visible_text(page)
    assert "Thank you! You gave Ran 4 stars." in text
    assert "You gave it 4 stars. Change your rating:" in text
    assert "80% · 4.0/5 1 vote on filmsite." in text
    assert 'value="4" id="rate-stars-4" checked' in page.text
    assert "Withdraw my rating" in text


def test_the_visitor_cookie_is_signed_httponly_lax_and_kept_a_year(client, ran):
    response = rate(client, ran, stars="3")

    cookie = response.cookies[COOKIE_NAME]
    visitor_id = Vote.objects.get().visitor
    assert cookie.value != visitor_id and cookie.value.startswith(visitor_id + ":")
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 60 * 60


def test_a_plain_visit_sets_no_cookie(client, ran):
    response = client.get(ran.get_absolute_url())

    assert COOKIE_NAME not in response.cookies


def test_a_visitor_changes_their_vote_and_the_figures_follow(client, ran):
    rate(client, ran, stars="5")
    rate(client, ran, stars="2")

    assert list(Vote.objects.values_list("stars", flat=True)) == [2]
    assert figures(ran) == (1, 2)
    assert "You gave it 2 stars." in visible_text(client.get(ran.get_absolute_url()))


def test_a_visitor_withdraws_their_vote(client, ran):
    rate(client, ran, stars="5")

    response = rate(client, ran, withdraw="1")

    assert response.status_code == 302
    assert Vote.objects.count() == 0
    assert figures(ran) == (0, 0)
    ran.refresh_from_db()
    assert (ran.rating_average, ran.rating_count) == (None, 0)
    text = visible_text(client.get(response.url))
    assert "Your rating was withdrawn." in text
    assert "No ratings yet." in text
    assert "You gave it" not in text


def test_withdrawing_without_a_vote_changes_nothing(client, ran):
    rate(Client(), ran, stars="3")  # someone else's vote

    rate(client, ran, withdraw="1")

    assert figures(ran) == (1, 3)


def test_each_visitor_has_one_vote_per_film(ran):
    first, second = Client(), Client()

    rate(first, ran, stars="5")
    rate(second, ran, stars="1")
    rate(first, ran, stars="4")

    assert sorted(Vote.objects.values_list("stars", flat=True)) == [1, 4]
    assert figures(ran) == (2, 5)


def test_a_forged_cookie_is_a_new_visitor_who_cannot_touch_another_vote(ran):
    owner = Client()
    rate(owner, ran, stars="5")
    owner_id = Vote.objects.get().visitor

    forger = Client()
    forger.cookies[COOKIE_NAME] = owner_id  # the id without a valid signature
    rate(forger, ran, stars="1")

    assert sorted(Vote.objects.values_list("visitor", "stars")) == sorted(
        [(owner_id, 5), (Vote.objects.exclude(visitor=owner_id).get().visitor, 1)]
    )
    assert figures(ran) == (2, 6)


def test_a_signed_in_user_has_one_vote_on_every_browser(ran):
    user = User.objects.create_user("ada", password="x")
    laptop, phone = Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)

    rate(laptop, ran, stars="2")
    rate(phone, ran, stars="5")

    assert list(Vote.objects.values_list("visitor", "user", "stars")) == [
        (f"user:{user.pk}", user.pk, 5)
    ]
    assert figures(ran) == (1, 5)
    assert "You gave it 5 stars." in visible_text(laptop.get(ran.get_absolute_url()))


# --- Refusing what is not a vote --------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        ({"stars": "0"}, "A rating is a whole number of stars from 1 to 5."),
        ({"stars": "6"}, "A rating is a whole number of stars from 1 to 5."),
        ({"stars": "-1"}, "A rating is a whole number of stars from 1 to 5."),
        ({"stars": "3.5"}, "A rating is a whole number of stars from 1 to 5."),
        ({"stars": "five"}, "A rating is a whole number of stars from 1 to 5."),
        ({"stars": ""}, "Choose from 1 to 5 stars."),
        ({}, "Choose from 1 to 5 stars."),
    ],
    ids=["0", "6", "-1", "3.5", "text", "empty", "missing"],
)
def test_it_refuses_what_is_not_a_vote_with_a_clear_message(client, ran, data, message):
    response = rate(client, ran, **data)

    assert response.status_code == 400
    text = visible_text(response)
    assert "Your rating was not saved" in text
    assert message in text
    assert "1 star" in text and "5 stars" in text  # the form, to try again
    assert Vote.objects.count() == 0
    assert figures(ran) == (0, 0)


def test_it_refuses_a_vote_for_a_missing_film(client, db):
    response = client.post(reverse("films:rate", args=["gone", 999]), {"stars": "4"})

    assert response.status_code == 404
    assert "There is no such film. It may have been removed." in visible_text(response)
    assert Vote.objects.count() == 0


def test_the_rating_address_opened_in_a_browser_leads_to_the_form_and_votes_nothing(client, ran):
    response = client.get(reverse("films:rate", args=[ran.slug, ran.pk]), {"stars": "4"})

    assert response.status_code == 302
    assert response.url == ran.get_absolute_url() + "#rate"
    assert Vote.objects.count() == 0


def test_a_vote_without_the_csrf_token_is_refused(ran):
    browser = Client(enforce_csrf_checks=True)

    response = rate(browser, ran, stars="4")

    assert response.status_code == 403
    assert Vote.objects.count() == 0


def test_a_vote_with_the_csrf_token_from_the_page_is_accepted(ran):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(ran.get_absolute_url())
    token = page.context["csrf_token"]

    response = rate(browser, ran, stars="4", csrfmiddlewaretoken=str(token))

    assert response.status_code == 302
    assert figures(ran) == (1, 4)


@pytest.mark.parametrize("stars", [0, 6, -3, "4", 2.5, True, None])
def test_the_service_refuses_what_is_not_a_vote(ran, stars):
    with pytest.raises(ValueError, match="A vote is from 1 to 5 stars"):
        vote_submit(film_id=ran.pk, visitor=Visitor(cookie_id="a" * 24), stars=stars)

    assert Vote.objects.count() == 0


def test_the_database_refuses_a_sixth_star_and_a_second_vote_from_one_visitor(ran):
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(film=ran, visitor="v" * 24, stars=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(film=ran, visitor="v" * 24, stars=0)
    Vote.objects.create(film=ran, visitor="v" * 24, stars=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(film=ran, visitor="v" * 24, stars=4)

    assert list(Vote.objects.values_list("stars", flat=True)) == [5]


# --- Without reloading the page ---------------------------------------------------------


def test_a_vote_sent_by_the_script_is_answered_with_the_new_rating(client, ran):
    response = client.post(
        reverse("films:rate", args=[ran.slug, ran.pk]),
        {"stars": "3"},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 200
    answer = response.json()
    assert answer["stars"] == 3
    assert answer["message"] == "Thank you! You gave Ran 3 stars."
    assert "60% · 3.0/5" in answer["rating_html"]
    assert answer["legend"] == "You gave it 3 stars. Change your rating:"
    assert COOKIE_NAME in response.cookies


def test_the_script_is_answered_in_the_pages_language(client, ran):
    with translation.override("fr"):
        url = reverse("films:rate", args=[ran.slug, ran.pk])
    json_vote = {"headers": {"accept": "application/json"}}

    voted = client.post(url, {"stars": "1"}, **json_vote).json()
    withdrawn = client.post(url, {"withdraw": "1"}, **json_vote).json()

    assert url.startswith("/fr/")
    assert voted["legend"] == "Vous lui avez donné 1 étoile. Modifier votre note\u202f:"
    assert withdrawn["legend"] == "Votre note\u202f:"


def test_a_refused_vote_sent_by_the_script_is_answered_with_its_message(client, ran):
    response = client.post(
        reverse("films:rate", args=[ran.slug, ran.pk]),
        {"stars": "9"},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == {"error": "A rating is a whole number of stars from 1 to 5."}


# --- The displayed rating: catalog ratings and votes combined ---------------------------


def test_the_page_combines_the_catalog_rating_with_the_votes(client, db):
    film = make_film(
        title="Ran",
        catalog_rating_average=Decimal("3.00"),
        catalog_rating_count=8,
        rating_average=Decimal("3.00"),
        rating_count=8,
    )
    rate(Client(), film, stars="5")
    rate(Client(), film, stars="5")

    film.refresh_from_db()
    # (3.0 × 8 + 5 + 5) / 10: the catalog's ratings and the votes weigh one each.
    assert (film.rating_average, film.rating_count) == (Decimal("3.40"), 10)
    assert (film.catalog_rating_average, film.catalog_rating_count) == (Decimal("3.00"), 8)
    assert (film.votes_count, film.votes_sum) == (2, 10)
    # What ranks it among the films a search finds: its rank and number of ratings.
    assert film.renown == pytest.approx(film.rating_rank * math.log(11))
    text = visible_text(client.get(film.get_absolute_url()))
    assert "68% · 3.4/5 Average in the catalog, 8 ratings, and 2 votes on filmsite." in text


# --- Sorting by rating is weighted ------------------------------------------------------


def test_one_five_star_vote_does_not_beat_a_thousand_four_star_ratings(client, db):
    lucky = make_film(title="Lucky", genres=["Drama"])
    loved = make_film(title="Loved", genres=["Drama"], catalog_rating_average=Decimal("4.00"))
    Film.objects.filter(pk=loved.pk).update(catalog_rating_count=1000)
    # The catalog import and the admin compute the figures; here a vote on each does it.
    vote_submit(film_id=loved.pk, visitor=Visitor(cookie_id="l" * 24), stars=4)
    vote_submit(film_id=lucky.pk, visitor=Visitor(cookie_id="l" * 24), stars=5)

    lucky.refresh_from_db()
    loved.refresh_from_db()
    assert lucky.rating_average > loved.rating_average
    assert loved.rating_rank > lucky.rating_rank
    # The genre page sorts by rating by default.
    page = client.get(reverse("films:genre", args=["drama"]))
    text = visible_text(page)
    assert text.index("Loved") < text.index("Lucky")


def test_the_bayesian_rank_is_the_one_documented(ran):
    vote_submit(film_id=ran.pk, visitor=Visitor(cookie_id="a" * 24), stars=5)

    ran.refresh_from_db()
    # (PRIOR_MEAN × PRIOR_VOTES + sum of ratings) / (PRIOR_VOTES + number of ratings)
    assert ran.rating_rank == pytest.approx((3.0 * 10 + 5) / (10 + 1))


# --- Rate limit ---------------------------------------------------------------------------


def test_votes_from_one_address_are_rate_limited_with_a_friendly_429(client, ran, monkeypatch):
    freeze_rate_limit_clock(monkeypatch)
    monkeypatch.setitem(community.RATE_LIMITS, "vote", {"address": "3/10m"})
    others = [make_film(title=f"Other {n}") for n in range(3)]
    for film in others:
        assert rate(Client(), film, stars="4").status_code == 302

    response = rate(client, ran, stars="4")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    text = visible_text(response)
    assert "Please wait a little" in text
    assert "You have rated films several times in a short while." in text
    wait = int(response["Retry-After"])
    assert re.search(rf"please try again in {wait_phrase(wait)} \(after \d\d:\d\d UTC\)\.", text)
    assert figures(ran) == (0, 0)


# --- The film page's queries ------------------------------------------------------------


def test_a_visitor_who_voted_adds_one_query_to_the_film_page(client, ran):
    def film_page_queries(browser):
        with CaptureQueriesContext(connection) as context:
            response = browser.get(ran.get_absolute_url())
        assert response.status_code == 200
        return response, [q["sql"] for q in context.captured_queries]

    catalog_facets()  # read once per version of the catalog (the footer's themes link)
    _, stranger_queries = film_page_queries(Client())
    rate(client, ran, stars="4")
    response, voter_queries = film_page_queries(client)

    assert "You gave it 4 stars." in visible_text(response)
    assert len(voter_queries) == len(stranger_queries) + 1
    own_vote = [sql for sql in voter_queries if 'FROM "films_vote"' in sql]
    assert len(own_vote) == 1 and "LIMIT 1" in own_vote[0]


# --- Many visitors at once (PostgreSQL) -------------------------------------------------

VOTERS = 20


@needs_concurrent_writers
def test_many_visitors_voting_at_once_lose_no_vote():
    film = make_film(title="Ran", catalog_rating_average=Decimal("3.50"), catalog_rating_count=40)
    visitors = [Visitor(cookie_id=f"visitor-{n:016d}") for n in range(VOTERS)]
    first = {v: 1 + n % 5 for n, v in enumerate(visitors)}
    second = {v: 5 - n % 5 for n, v in enumerate(visitors)}

    def all_at_once(action):
        assert run_all_at_once([lambda v=v: action(v) for v in visitors]) == []

    # Twenty new votes, then the same twenty visitors changing them, then half withdrawing.
    all_at_once(lambda v: vote_submit(film_id=film.pk, visitor=v, stars=first[v]))
    film.refresh_from_db()
    assert (film.votes_count, film.votes_sum) == (VOTERS, sum(first.values()))

    all_at_once(lambda v: vote_submit(film_id=film.pk, visitor=v, stars=second[v]))
    film.refresh_from_db()
    assert (film.votes_count, film.votes_sum) == (VOTERS, sum(second.values()))

    leaving = set(visitors[::2])
    all_at_once(lambda v: vote_withdraw(film_id=film.pk, visitor=v) if v in leaving else None)
    film.refresh_from_db()
    staying = [v for v in visitors if v not in leaving]
    expected_sum = sum(second[v] for v in staying)
    assert (film.votes_count, film.votes_sum) == (len(staying), expected_sum)
    assert Vote.objects.filter(film=film).count() == len(staying)

    combined = combine_ratings(
        catalog_average=Decimal("3.50"),
        catalog_count=40,
        votes_sum=expected_sum,
        votes_count=len(staying),
    )
    assert (film.rating_average, film.rating_count) == (combined.average, combined.count)
    assert film.rating_rank == pytest.approx(combined.rank)
