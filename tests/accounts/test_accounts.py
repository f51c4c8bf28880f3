"""Accounts: signing up, in and out, passwords, and what the browser gave before joining
the account without counting any vote twice; export and deletion of one's data."""

import csv
import io
import json
import re
import time

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import DatabaseError, IntegrityError
from django.test import Client
from django.urls import reverse

from caching import surrogate_keys
from films.community.models import Comment, Vote, WatchlistEntry
from films.community.services import (
    account_delete,
    visitor_merge,
    vote_submit,
    watchlist_add,
    watchlist_dismiss,
)
from films.community.visitors import COOKIE_NAME, Visitor
from tests.community.helpers import (
    all_at_once,
    make_comment,
    needs_concurrent_writers,
    post_comment,
    rate,
    visible_text,
)
from tests.conftest import make_film
from tests.html import find, parse, text

pytestmark = [
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
    pytest.mark.django_db,
    pytest.mark.usefixtures("fresh_rate_limits"),
]

PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def ran(db):
    return make_film(title="Ran", year=1985, genres=["Drama"])


@pytest.fixture
def alien(db):
    return make_film(title="Alien", year=1979, genres=["Horror"])


@pytest.fixture
def ada(db):
    return User.objects.create_user("ada", "ada@example.org", PASSWORD)


def sign_up(client, **data):
    data.setdefault("username", "grace")
    data.setdefault("email", "grace@example.org")
    data.setdefault("password1", PASSWORD)
    data.setdefault("password2", data["password1"])
    return client.post(reverse("accounts:sign_up"), data)


def sign_in(client, username="ada", password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:sign_in"), {"username": username, "password": password, **extra}
    )


def want(client, film, action="want"):
    url = reverse("films:watchlist_change", args=[film.slug, film.pk])
    return client.post(url, {"action": action})


def figures(film):
    film.refresh_from_db()
    return film.votes_count, film.votes_sum


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Signing up, in and out -------------------------------------------------------------


def test_the_header_offers_to_sign_in_and_then_leads_to_the_account(client, ada):
    assert '<a href="/account/sign-in/?next=/">Sign in</a>' in client.get("/").text

    sign_in(client)

    page = client.get("/").text
    assert '<a href="/account/">Account</a>' in page and "Sign in" not in page


def test_a_visitor_signs_up_and_is_signed_in(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    user = User.objects.get(username="grace")
    assert user.email == "grace@example.org" and user.check_password(PASSWORD)
    assert signed_in_user_id(client) == str(user.pk)
    page = visible_text(client.get(response["Location"]))
    assert "Welcome, grace." in page and "Signed in as grace" in page


@pytest.mark.parametrize(
    "data, error",
    [
        ({"password2": "not the same"}, "The two password fields didn’t match."),
        ({"password1": "123", "password2": "123"}, "This password is too short."),
        ({"email": "not an address"}, "Enter a valid email address."),
        ({"username": ""}, "This field is required."),
        ({"email": "ADA@example.org"}, "An account already has this address."),
        ({"username": "ada"}, "A user with that username already exists."),
    ],
)
def test_a_sign_up_with_a_mistake_says_what_to_correct_and_makes_no_account(
    client, ada, data, error
):
    response = sign_up(client, **data)

    assert response.status_code == 400
    assert error in visible_text(response)
    assert "autofocus" not in response.text  # the error summary is read first
    assert User.objects.count() == 1
    assert signed_in_user_id(client) is None


def test_a_weak_password_is_said_under_the_password_even_when_the_two_differ(client):
    response = sign_up(client, password1="123", password2="124")

    assert response.status_code == 400
    doc = parse(response.content.decode())
    assert find(doc, "#id_password1").get("aria-invalid") == "true"
    assert "This password is too short." in text(find(doc, "#id_password1").getparent())
    assert "The two password fields didn’t match." in text(find(doc, "#id_password2").getparent())


def test_sign_ups_from_one_address_are_limited(client):
    for n in range(10):
        assert sign_up(client, username=f"u{n}", email=f"u{n}@example.org").status_code == 302
        client.logout()

    response = sign_up(client, username="u10", email="u10@example.org")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many accounts were made from your address" in visible_text(response)
    assert not User.objects.filter(username="u10").exists()


def test_mistakes_and_password_resets_do_not_count_against_signing_up(client, ada):
    for _ in range(12):
        sign_up(client, password2="not the same")
    for _ in range(10):
        client.post(reverse("accounts:password_reset"), {"email": "ada@example.org"})

    assert sign_up(client).status_code == 302


def test_signing_in_goes_back_to_the_page_it_came_from(client, ada, ran):
    film_url = ran.get_absolute_url()
    form = client.get(reverse("accounts:sign_in") + f"?next={film_url}")

    response = sign_in(client, next=film_url)

    assert f'name="next" value="{film_url}"' in form.text
    assert response.status_code == 302 and response["Location"] == film_url


def test_a_wrong_password_is_told_and_signs_nobody_in(client, ada):
    response = sign_in(client, password="guess")

    assert response.status_code == 200
    assert "Please enter a correct username and password." in visible_text(response)
    assert signed_in_user_id(client) is None


def test_too_many_wrong_passwords_wait_with_a_page_that_says_so(client, ada, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, password="guess")

    assert response.status_code == 429
    assert "Too many wrong passwords were tried from here." in visible_text(response)
    assert "Please try again in 15 minutes." in visible_text(response)
    assert sign_in(client).status_code == 429


def test_signing_out_takes_a_post(client, ada):
    sign_in(client)

    refused = client.get(reverse("accounts:sign_out"))
    response = client.post(reverse("accounts:sign_out"))

    assert refused.status_code == 405
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert "You are signed out. Your ratings and watchlist stay in your account." in (
        visible_text(client.get(response["Location"]))
    )


def test_the_account_pages_speak_french(client, ada):
    sign_in(client)

    assert "Se connecter" in visible_text(Client().get("/fr/account/sign-in/"))
    page = visible_text(client.get("/fr/account/"))
    assert "Votre compte" in page and "Connecté en tant que ada" in page


# --- Passwords --------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, ada):
    response = client.post(reverse("accounts:password_reset"), {"email": "ada@example.org"})

    assert response.status_code == 302
    assert "Check your email" in visible_text(client.get(response["Location"]))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@example.org"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    form = client.get(link, follow=True)
    assert "Choose a new password" in visible_text(form)
    saved = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "another passphrase 43", "new_password2": "another passphrase 43"},
    )
    assert saved.status_code == 302
    assert sign_in(client, password="another passphrase 43").status_code == 302
    # The link works once.
    assert "does not work any more" in visible_text(Client().get(link, follow=True))


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, ada):
    response = client.post(reverse("accounts:password_reset"), {"email": "who@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_password_resets_from_one_address_are_limited(client, ada):
    for _ in range(10):
        client.post(reverse("accounts:password_reset"), {"email": "ada@example.org"})

    response = client.post(reverse("accounts:password_reset"), {"email": "ada@example.org"})

    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert len(mail.outbox) == 10


def test_a_signed_in_visitor_changes_their_password(client, ada):
    sign_in(client)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another passphrase 43",
            "new_password2": "another passphrase 43",
        },
    )

    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.check_password("another passphrase 43")
    assert signed_in_user_id(client) == str(ada.pk)  # still signed in here


# --- What the browser gave joins the account --------------------------------------------


def test_signing_up_brings_the_browsers_votes_watchlist_and_comments(client, ran, alien):
    rate(client, ran, stars="5")
    want(client, alien)
    post_comment(client, ran, body="Its colours stay with me.")

    response = sign_up(client)

    user = User.objects.get(username="grace")
    key = f"user:{user.pk}"
    assert list(Vote.objects.values_list("film_id", "visitor", "user_id", "stars")) == [
        (ran.pk, key, user.pk, 5)
    ]
    assert list(WatchlistEntry.objects.values_list("film_id", "visitor")) == [(alien.pk, key)]
    assert Comment.objects.get().visitor == key
    assert figures(ran) == (1, 5)
    page = visible_text(client.get(response["Location"]))
    assert (
        "What you gave on this browser is now in your account: 1 rating, "
        "1 film on your watchlist, 1 comment." in page
    )
    assert "1 rating" in page


def test_a_film_voted_on_both_keeps_the_newer_vote_and_counts_once(client, ada, ran, alien):
    account = Visitor(cookie_id=None, user_id=ada.pk)
    vote_submit(film_id=ran.pk, visitor=account, stars=2)  # on another device, before
    rate(client, ran, stars="5")  # on this browser, anonymous, later
    rate(client, alien, stars="4")
    vote_submit(film_id=alien.pk, visitor=account, stars=1)  # the account's is newer here
    assert figures(ran) == (2, 7) and figures(alien) == (2, 5)

    sign_in(client)

    assert sorted(Vote.objects.values_list("film_id", "stars", "visitor")) == sorted(
        [(ran.pk, 5, f"user:{ada.pk}"), (alien.pk, 1, f"user:{ada.pk}")]
    )
    assert figures(ran) == (1, 5) and figures(alien) == (1, 1)
    # Said, so that a rating replaced on a borrowed browser is not lost without a word.
    assert (
        "What you gave on this browser is now in your account: 2 ratings. Films rated both "
        "here and in your account keep the later rating: Ran: 5 stars, not 2; Alien: 1 "
        "star, not 4." in visible_text(client.get("/account/"))
    )


def test_a_film_listed_on_both_keeps_what_was_said_last(client, ada, ran, alien):
    account = Visitor(cookie_id=None, user_id=ada.pk)
    watchlist_add(film_id=ran.pk, visitor=account)
    want(client, ran, action="not_interested")  # later, on this browser
    want(client, alien)
    watchlist_dismiss(film_id=alien.pk, visitor=account)  # later, on the account

    sign_in(client)

    assert dict(WatchlistEntry.objects.values_list("film_id", "kind")) == {
        ran.pk: "not_interested",
        alien.pk: "not_interested",
    }
    assert set(WatchlistEntry.objects.values_list("visitor", flat=True)) == {f"user:{ada.pk}"}


def test_after_signing_in_votes_are_the_accounts_on_every_device(client, ada, ran):
    rate(client, ran, stars="4")
    sign_in(client)
    phone = Client()
    sign_in(phone)

    page = visible_text(phone.get(ran.get_absolute_url()))
    rate(phone, ran, stars="3")

    assert "You gave it 4 stars." in page
    assert figures(ran) == (1, 3)


def test_a_merge_that_fails_still_signs_in_and_keeps_the_browsers_votes(
    client, ada, ran, monkeypatch
):
    vote_submit(film_id=ran.pk, visitor=Visitor(cookie_id=None, user_id=ada.pk), stars=2)
    rate(client, ran, stars="5")  # voted on both: the merge recounts the film and purges

    def unreachable(film_ids):
        raise surrogate_keys.CacheUnreachable("the shared cache does not answer")

    monkeypatch.setattr(surrogate_keys, "films_rated", unreachable)
    response = sign_in(client)

    assert response.status_code == 302 and signed_in_user_id(client) == str(ada.pk)
    assert "could not join your account just now" in visible_text(client.get("/account/"))
    # Nothing half-done: both votes as they were, to join at the next sign-in.
    assert sorted(Vote.objects.values_list("stars", flat=True)) == [2, 5]
    assert figures(ran) == (2, 7)


def test_a_merge_that_fails_still_signs_the_new_account_in(client, ran, monkeypatch):
    rate(client, ran, stars="5")

    def broken(**kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr("accounts.joining.visitor_merge", broken)
    response = sign_up(client)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(User.objects.get(username="grace").pk)


def test_signing_in_twice_moves_nothing_twice(client, ada, ran):
    rate(client, ran, stars="5")
    cookie_id = client.cookies[COOKIE_NAME].value.split(":")[0]
    sign_in(client)
    client.post(reverse("accounts:sign_out"))
    sign_in(client)

    assert visitor_merge(cookie_id=cookie_id, user_id=ada.pk).votes == 0
    assert Vote.objects.count() == 1 and figures(ran) == (1, 5)


CONCURRENT_SIGN_INS = 6


@needs_concurrent_writers
def test_sign_ins_and_votes_at_once_count_every_vote_once():
    """Tabs signing in at the same moment, while the account votes on another device: each
    film ends with one vote of the person, and its figures count it once."""
    films = [make_film(title=f"Film {n}") for n in range(8)]
    user = User.objects.create_user("ada", "ada@example.org", PASSWORD)
    cookie = Visitor(cookie_id="c" * 24)
    account = Visitor(cookie_id=None, user_id=user.pk)
    for n, film in enumerate(films):
        vote_submit(film_id=film.pk, visitor=cookie, stars=1 + n % 5)
        watchlist_add(film_id=film.pk, visitor=cookie)

    def merge():
        visitor_merge(cookie_id=cookie.cookie_id, user_id=user.pk)

    def votes_elsewhere():
        for film in reversed(films):
            vote_submit(film_id=film.pk, visitor=account, stars=5)
            watchlist_dismiss(film_id=film.pk, visitor=account)
            time.sleep(0.001)

    errors = all_at_once([merge] * CONCURRENT_SIGN_INS + [votes_elsewhere])

    assert errors == []
    for film in films:
        votes = list(Vote.objects.filter(film=film).values_list("visitor", "stars"))
        film.refresh_from_db()
        assert len(votes) == 1 and votes[0][0] == f"user:{user.pk}"
        assert (film.votes_count, film.votes_sum) == (1, votes[0][1])
    assert WatchlistEntry.objects.filter(visitor=f"user:{user.pk}").count() == len(films)
    assert not WatchlistEntry.objects.filter(visitor=cookie.cookie_id).exists()


# --- One's data: the account page, export, deletion -------------------------------------


def test_a_visitor_without_an_account_sees_and_downloads_what_this_browser_holds(
    client, ran, alien
):
    someone_else_gives(ran, alien)
    rate(client, ran, stars="4")

    page = visible_text(client.get(reverse("accounts:account")))
    exported = json.loads(client.get(reverse("accounts:export_json")).content)

    assert "kept in this browser only" in page and "1 rating" in page
    assert exported["account"] is None
    assert [(v["film"]["title"], v["stars"]) for v in exported["votes"]] == [("Ran", 4)]
    assert exported["watchlist"] == [] and exported["comments"] == []


def someone_else_gives(ran, alien):
    """Another visitor's vote, watchlist entry and comment: in no one else's export."""
    other = Client()
    rate(other, ran, stars="1")
    want(other, alien)
    post_comment(other, ran, name="Bob", body="Not for me.")
    return other


def test_the_export_holds_votes_watchlist_and_comments_as_json(client, ada, ran, alien):
    someone_else_gives(ran, alien)
    sign_in(client)
    rate(client, ran, stars="5")
    want(client, alien)
    post_comment(client, ran, name="Ada", body="Its colours stay with me.")

    response = client.get(reverse("accounts:export_json"))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="filmsite-\d{4}-\d\d-\d\d\.json"', response["Content-Disposition"]
    )
    data = json.loads(response.content)
    assert data["account"]["username"] == "ada" and data["account"]["email"] == "ada@example.org"
    assert [(v["film"]["id"], v["stars"]) for v in data["votes"]] == [(ran.pk, 5)]
    assert data["votes"][0]["film"]["url"] == f"http://testserver{ran.get_absolute_url()}"
    assert [(e["film"]["title"], e["list"]) for e in data["watchlist"]] == [("Alien", "want")]
    assert [(c["film"]["title"], c["comment"]) for c in data["comments"]] == [
        ("Ran", "Its colours stay with me.")
    ]


def test_the_csv_export_has_a_row_each_and_keeps_formulas_as_text(client, ada, ran, alien):
    someone_else_gives(ran, alien)
    sign_in(client)
    rate(client, ran, stars="5")
    make_comment(ran, visitor=f"user:{ada.pk}", name="=HYPERLINK(1)", body="@SUM(A1) école")

    response = client.get(reverse("accounts:export_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["kind"], r["film_title"], r["stars"]) for r in rows] == [
        ("vote", "Ran", "5"),
        ("comment", "Ran", ""),
    ]
    assert rows[1]["name"] == "'=HYPERLINK(1)" and rows[1]["comment"] == "'@SUM(A1) école"


def test_the_account_page_reads_the_same_whatever_the_amount_of_data(
    client, ada, ran, django_assert_num_queries
):
    sign_in(client)
    films = [make_film(title=f"Film {n}") for n in range(20)]
    rate(client, ran, stars="5")
    client.get(reverse("accounts:account"))  # the session and the user, as below

    # The session, the user, the votes, the watchlist and the comments.
    with django_assert_num_queries(5):
        client.get(reverse("accounts:account"))
    for film in films:
        rate(client, film, stars="3")
        want(client, film)
    with django_assert_num_queries(5):
        response = client.get(reverse("accounts:account"))
    assert "21 ratings" in visible_text(response)


def test_deleting_the_account_asks_its_password_then_removes_it_with_its_data(
    client, ada, ran, alien
):
    other = Client()
    rate(other, ran, stars="2")
    want(other, alien)
    post_comment(other, ran, name="Bob", body="Not for me.")
    ran.refresh_from_db()
    alone = (ran.rating_average, ran.rating_count)
    sign_in(client)
    rate(client, ran, stars="5")
    want(client, alien)
    post_comment(client, ran, body="Its colours stay with me.")
    assert figures(ran) == (2, 7)

    refused = client.post(reverse("accounts:delete"), {"password": "guess"})
    assert refused.status_code == 400 and "This is not your password." in visible_text(refused)
    assert User.objects.filter(pk=ada.pk).exists() and figures(ran) == (2, 7)

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/"
    assert "Your account and all its data were deleted." in visible_text(client.get("/"))
    assert not User.objects.filter(pk=ada.pk).exists()
    assert signed_in_user_id(client) is None
    # The other visitor's vote, entry and comment stay; the film's figures are theirs alone.
    assert figures(ran) == (1, 2)
    assert (ran.rating_average, ran.rating_count) == alone
    assert list(Vote.objects.values_list("stars", flat=True)) == [2]
    assert list(WatchlistEntry.objects.values_list("film_id", flat=True)) == [alien.pk]
    assert list(Comment.objects.values_list("body", flat=True)) == ["Not for me."]


def test_wrong_passwords_to_delete_an_account_count_towards_the_lockout(client, ada, settings):
    sign_in(client)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("accounts:delete"), {"password": "guess"})

    assert response.status_code == 429
    assert client.post(reverse("accounts:delete"), {"password": PASSWORD}).status_code == 429
    assert User.objects.filter(pk=ada.pk).exists()


def test_a_deletion_that_cannot_tell_the_page_cache_deletes_nothing(client, ada, ran, monkeypatch):
    sign_in(client)
    rate(client, ran, stars="5")

    def unreachable(film_ids):
        raise surrogate_keys.CacheUnreachable("the shared cache does not answer")

    monkeypatch.setattr(surrogate_keys, "films_rated", unreachable)
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 503
    assert "could not be deleted just now: nothing was" in visible_text(response)
    assert User.objects.filter(pk=ada.pk).exists() and figures(ran) == (1, 5)
    assert signed_in_user_id(client) == str(ada.pk)


DELETION_RACE_FILMS = 12


@needs_concurrent_writers
def test_votes_given_while_the_account_is_deleted_do_not_outlive_it():
    """Another device votes as the account while it is deleted: each vote lands before the
    deletion (and goes with it) or is refused after; none is left counted for ever."""
    films = [make_film(title=f"Film {n}") for n in range(DELETION_RACE_FILMS)]
    user = User.objects.create_user("ada", "ada@example.org", PASSWORD)
    account = Visitor(cookie_id=None, user_id=user.pk)
    for film in films[::2]:
        vote_submit(film_id=film.pk, visitor=account, stars=3)

    def vote_elsewhere():
        for film in films:
            try:
                vote_submit(film_id=film.pk, visitor=account, stars=5)
            except IntegrityError:
                pass  # the account is gone: the vote is refused, as it should be

    errors = all_at_once([lambda: account_delete(user.pk), vote_elsewhere])

    assert errors == []
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Vote.objects.exists()
    for film in films:
        film.refresh_from_db()
        assert (film.votes_count, film.votes_sum) == (0, 0)


def test_only_a_signed_in_visitor_reaches_the_deletion_page(client):
    response = client.get(reverse("accounts:delete"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in") + "?next=")


def test_the_watchlist_says_where_it_is_kept_until_signing_in(client, ada, ran, alien):
    rate(client, ran, stars="5")
    want(client, alien)

    assert 'href="/account/sign-up/?next=/watchlist/"' in client.get("/watchlist/").text
    assert 'href="/fr/account/sign-up/?next=/fr/watchlist/"' in client.get("/fr/watchlist/").text
    assert "Kept in this browser only. Create an account or sign in" in visible_text(
        client.get("/watchlist/")
    )
    assert "Gardé dans ce navigateur seulement." in visible_text(client.get("/fr/watchlist/"))

    sign_in(client)

    assert "Kept in this browser only" not in visible_text(client.get("/watchlist/"))
