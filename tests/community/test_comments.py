"""Comments: anyone leaves one under a film; invalid input comes back with the text kept;
spam defences (honeypot, timing, rate limits, links) do not bother people; nothing a
visitor types is shown unescaped; a comment is stored once, or the visitor is told."""

import re

import pytest
from django.db import DataError, IntegrityError, OperationalError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from films.community import services as community
from films.community.forms import STAMP_MAX_AGE_HOURS, FormStamp
from films.community.models import Comment
from films.community.services import address_hash, comment_submit
from films.community.visitors import COOKIE_NAME, Visitor
from pages.facets import catalog_facets
from pages.views.community import wait_phrase
from tests.community.helpers import (
    aged_stamp,
    comment_data,
    freeze_rate_limit_clock,
    make_comment,
    post_comment,
    visible_text,
)
from tests.conftest import make_film

pytestmark = [
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
    pytest.mark.usefixtures("fresh_rate_limits"),
]

HELD = "Thank you! Your comment will appear once a moderator has approved it."


@pytest.fixture
def ran(db):
    return make_film(title="Ran", year=1985)


def comments_url(film, page=None):
    url = reverse("films:comments", args=[film.slug, film.pk])
    return f"{url}?page={page}" if page else url


# --- Leaving a comment ------------------------------------------------------------------


def test_a_visitor_leaves_a_comment_and_sees_it_under_the_film(client, ran):
    response = post_comment(client, ran, name="Ada", body="The storm scene!\nUnforgettable.")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == f"{ran.get_absolute_url()}#comment-{comment.pk}"
    assert (comment.name, comment.body, comment.state) == (
        "Ada",
        "The storm scene!\nUnforgettable.",
        Comment.State.PUBLISHED,
    )
    assert COOKIE_NAME in response.cookies
    assert comment.visitor and comment.visitor in response.cookies[COOKIE_NAME].value

    page = client.get(ran.get_absolute_url())
    text = visible_text(page)
    assert "Thank you! Your comment is published." in text
    assert "1 comment" in text
    assert "Ada · " in text and "The storm scene! Unforgettable." in text
    assert "The storm scene!<br>Unforgettable." in page.text


def test_the_film_page_shows_the_count_and_the_newest_comments_first(client, ran):
    for n in range(3):
        make_comment(ran, name=f"Visitor {n}", body=f"Comment number {n}")

    text = visible_text(client.get(ran.get_absolute_url()))

    assert "3 comments" in text
    assert text.index("Comment number 2") < text.index("Comment number 1")
    assert text.index("Comment number 1") < text.index("Comment number 0")
    assert "All 3 comments" not in text


def test_a_film_without_comments_says_so_and_offers_the_form(client, ran):
    text = visible_text(client.get(ran.get_absolute_url()))

    assert "Leave a comment" in text
    assert "0 comments" in text
    assert "Name" in text and "Comment" in text and "E-mail (optional, never shown)" in text


def test_the_empty_form_rendered_once_a_process_stays_right_in_each_language(client, ran):
    other = make_film(title="Ikiru", year=1952)
    url, comments_url = (
        other.get_absolute_url(),
        reverse("films:comments", args=[other.slug, other.pk]),
    )
    client.get(ran.get_absolute_url())  # the English fields, rendered and kept

    with translation.override("en"):  # a request leaves its language active in the test
        french = Client().get(f"/fr{url}")
    refused = post_comment(client, other, name="", body="")
    english = client.get(url)

    assert "Envoyer mon commentaire" in visible_text(french)
    assert "(facultatif, jamais affiché)" in visible_text(french)
    assert "Send my comment" not in visible_text(french)
    assert "Please give a name to sign your comment with." in visible_text(refused)
    assert 'aria-invalid="true"' in refused.text
    assert "Send my comment" in visible_text(english)
    assert "aria-invalid" not in english.text
    assert f'action="{comments_url}"' in english.text


def test_the_film_page_shows_ten_comments_and_links_to_all_of_them(client, ran):
    for n in range(12):
        make_comment(ran, body=f"Comment number {n:02d}")

    response = client.get(ran.get_absolute_url())
    text = visible_text(response)

    assert "12 comments" in text
    assert "Comment number 11" in text and "Comment number 02" in text
    assert "Comment number 01" not in text
    assert "All 12 comments" in text
    assert f'href="{comments_url(ran)}"' in response.text


def test_the_comments_page_is_paginated_newest_first(client, ran):
    for n in range(25):
        make_comment(ran, body=f"Comment number {n:02d}")

    first = visible_text(client.get(comments_url(ran)))
    second = visible_text(client.get(comments_url(ran, page=2)))

    assert "25 comments" in first
    assert "Comment number 24" in first and "Comment number 05" in first
    assert "Comment number 04" not in first
    assert "Page 1 of 2" in first
    assert [f"Comment number {n:02d}" in second for n in range(5)] == [True] * 5
    assert "Comment number 05" not in second


def test_the_comments_page_of_a_film_without_comments_says_so(client, ran):
    text = visible_text(client.get(comments_url(ran)))

    assert "0 comments" in text
    assert "Leave a comment" in text


@pytest.mark.parametrize("page", ["3", "0", "x", "-1"])
def test_a_comments_page_that_does_not_exist_is_a_404(client, ran, page):
    make_comment(ran)

    assert client.get(comments_url(ran), {"page": page}).status_code == 404


def test_the_comments_page_of_a_renamed_film_redirects_to_its_address(client, ran):
    response = client.get(reverse("films:comments", args=["old-title", ran.pk]), {"page": "1"})

    assert response.status_code == 301
    assert response.url == comments_url(ran) + "?page=1"


def test_the_comments_page_runs_three_queries(client, ran, django_assert_num_queries):
    for _ in range(25):
        make_comment(ran)

    catalog_facets()  # read once per version of the catalog (the footer's themes link)

    # The film, the count of its public comments, the page of them.
    with django_assert_num_queries(3):
        assert client.get(comments_url(ran, page=2)).status_code == 200


def test_hidden_held_and_spam_comments_are_not_shown_nor_counted(client, ran):
    make_comment(ran, body="Shown to all")
    make_comment(ran, body="Hidden by a moderator", state=Comment.State.HIDDEN)
    make_comment(ran, body="Waiting for a moderator", state=Comment.State.HELD)
    make_comment(ran, body="Caught by the honeypot", state=Comment.State.SPAM)

    for url in (ran.get_absolute_url(), comments_url(ran)):
        text = visible_text(client.get(url))
        assert "1 comment" in text
        assert "Shown to all" in text
        assert "Hidden by" not in text and "Waiting for" not in text and "Caught" not in text


def test_a_comment_has_a_lasting_address_on_its_page(client, ran):
    comments = [make_comment(ran, body=f"Comment number {n:02d}") for n in range(30)]

    newest = client.get(reverse("films:comment", args=[comments[-1].pk]))
    oldest = client.get(reverse("films:comment", args=[comments[0].pk]))

    assert newest.url == f"{comments_url(ran)}#comment-{comments[-1].pk}"
    assert oldest.url == f"{comments_url(ran)}?page=2#comment-{comments[0].pk}"
    assert "Comment number 00" in visible_text(client.get(oldest.url))


def test_a_hidden_comment_has_no_address(client, ran):
    hidden = make_comment(ran, state=Comment.State.HIDDEN)

    assert client.get(reverse("films:comment", args=[hidden.pk])).status_code == 404


# --- Invalid input ----------------------------------------------------------------------


def test_invalid_input_comes_back_with_the_text_kept_and_a_message_per_field(client, ran):
    body = "Kurosawa's King Lear. " * 100  # 2,200 characters
    response = post_comment(client, ran, name="", body=body, email="not-an-address")

    assert response.status_code == 400
    text = visible_text(response)
    assert "Please give a name to sign your comment with." in text
    assert "A comment has at most 2000 characters (this one has 2199)." in text
    assert "This does not look like an e-mail address." in text
    assert body.strip() in text  # the text is in the form, to correct
    assert 'value="not-an-address"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert Comment.objects.count() == 0


def test_a_name_longer_than_80_characters_is_refused(client, ran):
    response = post_comment(client, ran, name="N" * 81)

    assert response.status_code == 400
    assert "A name has at most 80 characters (this one has 81)." in visible_text(response)
    assert Comment.objects.count() == 0


def test_an_empty_comment_is_refused(client, ran):
    response = post_comment(client, ran, body="   ")

    assert response.status_code == 400
    assert "Please write your comment." in visible_text(response)
    assert Comment.objects.count() == 0


def test_a_comment_of_exactly_2000_characters_with_line_breaks_is_accepted(client, ran):
    # Browsers send line breaks as CRLF; the textarea counted each as one character.
    body = ("x" * 99 + "\r\n") * 19 + "x" * 100

    response = post_comment(client, ran, name="N" * 80, body=body)

    assert response.status_code == 302
    assert len(Comment.objects.get().body) == 2000


def test_the_database_refuses_a_comment_too_long_or_empty_and_a_reused_token(ran):
    for fields in ({"body": "x" * 2001}, {"name": "N" * 81}, {"body": ""}, {"name": ""}):
        # PostgreSQL's varchar(80) refuses a long name before the check constraint does.
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            make_comment(ran, **fields)
    make_comment(ran, token="once")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_comment(ran, token="once")

    assert Comment.objects.count() == 1


def test_control_characters_typed_or_pasted_are_dropped_from_a_comment(client, ran):
    response = post_comment(client, ran, name="Bob\x1b", body="A fi\x01ne\tfilm.\r\nYes.")

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.name, comment.body) == ("Bob", "A fine\tfilm.\nYes.")


def test_a_name_of_control_characters_and_spaces_is_an_empty_name(client, ran):
    response = post_comment(client, ran, name="\x01 \x01")

    assert response.status_code == 400
    assert "Please give a name to sign your comment with." in visible_text(response)
    assert Comment.objects.count() == 0


def test_an_e_mail_address_longer_than_the_column_is_refused_with_a_message(client, ran):
    email = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "c" * 43  # 300 characters, valid

    response = post_comment(client, ran, email=email)

    assert response.status_code == 400
    assert "An e-mail address has at most 254 characters." in visible_text(response)
    assert Comment.objects.count() == 0


def test_a_comment_for_a_missing_film_is_a_404_that_shows_the_text_back(client, db):
    response = client.post(
        reverse("films:comments", args=["gone", 999]), comment_data(None, body="Worth the wait.")
    )

    assert response.status_code == 404
    text = visible_text(response)
    assert "Page not found" in text
    assert "Your comment was not sent. Here it is, so that nothing is lost:" in text
    assert "Worth the wait." in text
    assert Comment.objects.count() == 0


def test_a_comment_without_the_csrf_token_is_refused(ran):
    response = post_comment(Client(enforce_csrf_checks=True), ran)

    assert response.status_code == 403
    assert Comment.objects.count() == 0


# --- The e-mail address is never shown --------------------------------------------------


def test_the_email_address_is_stored_but_never_shown(client, ran):
    post_comment(client, ran, email="ada@example.org")

    assert Comment.objects.get().email == "ada@example.org"
    for url in (
        ran.get_absolute_url(),
        comments_url(ran),
        reverse("films:comments_feed", args=[ran.slug, ran.pk]),
        reverse("films:latest_comments_feed"),
    ):
        assert "ada@example.org" not in client.get(url).content.decode()


# --- The honeypot -----------------------------------------------------------------------


def test_the_honeypot_is_hidden_from_people(client, ran):
    response = client.get(ran.get_absolute_url())

    assert (
        '<div class="visually-hidden" aria-hidden="true">\n'
        '    <label for="id_subject">Leave this field empty</label>\n'
        '    <input type="text" name="subject" tabindex="-1" autocomplete="off" '
        'id="id_subject">'
    ) in response.text


def test_a_comment_that_fills_the_honeypot_is_answered_as_held_and_never_shown(client, ran):
    response = post_comment(client, ran, subject="cheap pills", body="Buy now")

    assert response.status_code == 302
    assert response.url == ran.get_absolute_url() + "#comments"
    # Stored out of sight, so a person caught by mistake can still be approved.
    assert list(Comment.objects.values_list("body", "state")) == [("Buy now", "spam")]
    text = visible_text(client.get(response.url))
    assert HELD in text
    assert "0 comments" in text and "Buy now" not in text


# --- Too fast ---------------------------------------------------------------------------


def test_a_form_sent_too_fast_comes_back_with_the_text_kept(client, ran):
    just_shown = FormStamp.new(ran.pk)

    response = post_comment(client, ran, stamp=just_shown, body="Quick thoughts")

    assert response.status_code == 400
    text = visible_text(response)
    assert "That was quick! Please take a moment to read your comment, then send it again." in text
    assert "Quick thoughts" in text
    assert Comment.objects.count() == 0
    # The same form, sent again a few seconds later, goes through.
    assert f'value="{just_shown}"' in response.text


def test_a_form_sent_after_three_seconds_is_accepted(client, ran):
    response = post_comment(client, ran, stamp=aged_stamp(ran, seconds=3.5))

    assert response.status_code == 302
    assert Comment.objects.count() == 1


# Named: a stamp made at collection differs in each pytest-xdist worker, which must agree.
@pytest.mark.parametrize(
    "stamp", ["", "made-up", aged_stamp(None)[:-1] + "x"], ids=["empty", "made-up", "tampered"]
)
def test_a_form_without_a_valid_stamp_comes_back_with_a_new_one(client, ran, stamp):
    response = post_comment(client, ran, stamp=stamp, body="My words")

    assert response.status_code == 400
    text = visible_text(response)
    assert "This form could not be checked" in text
    assert "My words" in text
    assert Comment.objects.count() == 0
    new_stamp = response.context["comment_form"]["stamp"].value()
    assert new_stamp != stamp and FormStamp.read(new_stamp, ran.pk) is not None


# --- Rate limits ------------------------------------------------------------------------


def test_comments_from_one_visitor_are_rate_limited_with_a_friendly_429(client, ran, monkeypatch):
    freeze_rate_limit_clock(monkeypatch)
    for n in range(5):
        assert post_comment(client, ran, body=f"Comment {n}").status_code == 302

    response = post_comment(client, ran, body="One comment too many")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    text = visible_text(response)
    assert "Please wait a little" in text
    assert "You have commented several times in a short while." in text
    wait = int(response["Retry-After"])
    assert re.search(rf"please try again in {wait_phrase(wait)} \(after \d\d:\d\d UTC\)\.", text)
    assert "Here it is, so that nothing is lost: Your comment One comment too many" in text
    assert Comment.objects.count() == 5


def test_comments_from_one_address_are_rate_limited_whatever_the_cookie(ran, monkeypatch):
    freeze_rate_limit_clock(monkeypatch)
    monkeypatch.setitem(community.RATE_LIMITS, "comment", {"visitor": "5/10m", "address": "3/h"})
    for n in range(3):
        assert post_comment(Client(), ran, body=f"Comment {n}").status_code == 302

    other_address = post_comment(Client(REMOTE_ADDR="192.0.2.7"), ran, body="From elsewhere")
    response = post_comment(Client(), ran, body="Same address, new cookie")

    assert other_address.status_code == 302
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert sorted(Comment.objects.values_list("body", flat=True)) == [
        "Comment 0",
        "Comment 1",
        "Comment 2",
        "From elsewhere",
    ]


@pytest.mark.parametrize(
    "seconds, phrase",
    [(1, "1 second"), (45, "45 seconds"), (60, "1 minute"), (61, "2 minutes"), (600, "10 minutes")],
)
def test_the_wait_is_said_in_words(seconds, phrase):
    assert wait_phrase(seconds) == phrase


def test_invalid_forms_do_not_count_against_the_rate_limit(client, ran):
    for _ in range(6):
        post_comment(client, ran, name="")

    assert post_comment(client, ran).status_code == 302


# --- Links ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "See https://example.org and http://example.com",
        "www.example.org and www.example.com",
        "HTTPS://EXAMPLE.ORG, WWW.EXAMPLE.COM and https://example.net",
    ],
)
def test_a_comment_with_several_links_is_held_for_moderation(client, ran, body):
    response = post_comment(client, ran, body=body)

    assert response.url == ran.get_absolute_url() + "#comments"
    assert Comment.objects.get().state == Comment.State.HELD
    text = visible_text(client.get(response.url))
    assert HELD in text
    assert "0 comments" in text


def test_a_comment_with_one_link_is_published(client, ran):
    post_comment(client, ran, body="My review: https://example.org/ran")

    assert Comment.objects.get().state == Comment.State.PUBLISHED


def test_links_in_the_name_count_too(client, ran):
    post_comment(client, ran, name="www.pills.example", body="Great, see https://example.org")

    assert Comment.objects.get().state == Comment.State.HELD


# --- Escaping ---------------------------------------------------------------------------

HOSTILE_NAME = '<script>alert("name")</script>'
HOSTILE_BODY = '<img src=x onerror="alert(1)"> & <a href="javascript:evil()">click</a>'


def test_hostile_input_is_shown_as_text_on_the_pages(client, ran):
    post_comment(client, ran, name=HOSTILE_NAME, body=HOSTILE_BODY)

    for url in (ran.get_absolute_url(), comments_url(ran)):
        response = client.get(url)
        assert "<script>alert" not in response.text
        assert "<img src=x" not in response.text
        assert 'href="javascript:' not in response.text
        text = visible_text(response)
        assert HOSTILE_NAME in text and HOSTILE_BODY in text


def test_hostile_input_sent_back_in_the_form_is_escaped(client, ran):
    response = post_comment(client, ran, name=HOSTILE_NAME + "x" * 80, body=HOSTILE_BODY)

    assert response.status_code == 400
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text
    assert HOSTILE_BODY in visible_text(response)


# --- Stored once, or the visitor is told ------------------------------------------------


def test_a_double_click_stores_one_comment(client, ran):
    data = comment_data(ran, body="Only once, please")
    url = comments_url(ran)

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert list(Comment.objects.values_list("body", flat=True)) == ["Only once, please"]
    text = visible_text(client.get(second.url))
    assert "Your comment had already been received." in text
    assert "1 comment" in text


def test_two_requests_racing_with_one_form_store_one_comment(ran):
    def submit():
        return comment_submit(
            film=ran,
            name="Ada",
            body="Racing",
            email="",
            token="same-form",
            visitor=Visitor(cookie_id="v" * 24),
            address="198.51.100.4",
        )

    first, second = submit(), submit()

    assert (first.created, second.created) == (True, False)
    assert second.comment.pk == first.comment.pk
    assert Comment.objects.count() == 1


def test_a_comment_that_could_not_be_stored_says_so_and_keeps_the_text(client, ran, monkeypatch):
    def database_down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("pages.views.community.comment_submit", database_down)

    response = post_comment(client, ran, name="Ada", body="Words worth keeping")

    assert response.status_code == 503
    text = visible_text(response)
    assert "Sorry, your comment could not be stored just now." in text
    assert "Words worth keeping" in text and 'value="Ada"' in response.text
    assert Comment.objects.count() == 0


def test_an_accepted_comment_keeps_a_hash_of_the_address_never_the_address(ran):
    post_comment(Client(REMOTE_ADDR="203.0.113.9"), ran)
    post_comment(Client(REMOTE_ADDR="203.0.113.9"), ran)
    post_comment(Client(REMOTE_ADDR="203.0.113.10"), ran)

    hashes = list(Comment.objects.order_by("id").values_list("ip_hash", flat=True))
    assert hashes[0] == hashes[1] == address_hash("203.0.113.9")
    assert hashes[2] != hashes[0] and len(hashes[2]) == 64
    stored = [str(value) for row in Comment.objects.values_list() for value in row]
    assert not any("203.0.113" in value for value in stored)


@pytest.mark.parametrize(
    ("trusted", "header", "counted"),
    [
        (True, "198.51.100.4", "198.51.100.4"),  # behind the proxy: the visitor's address
        (True, "not an address", "127.0.0.1"),  # not the proxy's header: where it came from
        (False, "198.51.100.4", "127.0.0.1"),  # a header any client can send: not believed
    ],
)
def test_behind_a_trusted_proxy_the_visitors_own_address_is_counted(
    ran, settings, trusted, header, counted
):
    settings.TRUST_X_REAL_IP = trusted
    proxied = Client(REMOTE_ADDR="127.0.0.1", headers={"X-Real-IP": header})

    post_comment(proxied, ran)

    assert Comment.objects.get().ip_hash == address_hash(counted)


# --- Form stamps: for one film, for a few hours ----------------------------------------


def test_a_form_kept_open_longer_than_its_hours_comes_back_with_the_text_kept(client, ran):
    too_old = aged_stamp(ran, seconds=STAMP_MAX_AGE_HOURS * 3600 + 60)

    response = post_comment(client, ran, stamp=too_old, body="Written over a long evening")

    assert response.status_code == 400
    text = visible_text(response)
    assert f"it may have been open more than {STAMP_MAX_AGE_HOURS} hours" in text
    assert "Written over a long evening" in text
    assert Comment.objects.count() == 0
    # Just inside the limit, a slow writer's comment goes through.
    late = aged_stamp(ran, seconds=STAMP_MAX_AGE_HOURS * 3600 - 60)
    assert post_comment(client, ran, stamp=late).status_code == 302


def test_a_form_of_one_film_cannot_comment_on_another(client, ran):
    other = make_film(title="Kagemusha", year=1980)

    response = post_comment(client, other, stamp=aged_stamp(ran), body="Meant for Ran")

    assert response.status_code == 400
    assert "This form could not be checked" in visible_text(response)
    assert Comment.objects.count() == 0
