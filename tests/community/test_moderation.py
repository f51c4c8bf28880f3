"""Moderation in the Django admin: comments by state, approved, hidden or deleted in bulk;
votes looked at and withdrawn without leaving a film's figures wrong."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext

from films.community.models import Comment, Vote
from films.community.services import address_hash, vote_submit
from films.community.visitors import Visitor
from tests.community.helpers import make_comment, visible_text
from tests.conftest import make_film

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

COMMENTS = "/admin/films/comment/"
VOTES = "/admin/films/vote/"


@pytest.fixture
def ran(db):
    return make_film(title="Ran", year=1985)


def rows(response) -> list[str]:
    return [comment.body for comment in response.context["cl"].result_list]


def act(admin_client, url, action, objects):
    return admin_client.post(
        url, {"action": action, ACTION_CHECKBOX_NAME: [str(o.pk) for o in objects]}, follow=True
    )


def test_the_comment_list_shows_the_film_the_state_and_the_address_hash(admin_client, ran):
    comment = make_comment(ran, name="Ada", body="Seen by moderators", ip_hash=address_hash("x"))

    response = admin_client.get(COMMENTS)

    assert response.status_code == 200
    text = visible_text(response)
    assert "Ran (1985)" in text and "Ada" in text and "Seen by moderators" in text
    assert "Published" in text
    assert f"{comment.ip_hash[:12]}…" in text
    assert f'href="?ip_hash={comment.ip_hash}"' in response.text


def test_moderators_filter_comments_by_state(admin_client, ran):
    make_comment(ran, body="Public")
    make_comment(ran, body="Held back", state=Comment.State.HELD)
    make_comment(ran, body="Trapped", state=Comment.State.SPAM)

    assert rows(admin_client.get(COMMENTS, {"state__exact": "held"})) == ["Held back"]
    assert rows(admin_client.get(COMMENTS, {"state__exact": "spam"})) == ["Trapped"]
    assert sorted(rows(admin_client.get(COMMENTS))) == ["Held back", "Public", "Trapped"]


def test_moderators_find_the_comments_from_one_address(admin_client, ran):
    make_comment(ran, body="First", ip_hash=address_hash("198.51.100.1"))
    make_comment(ran, body="Second", ip_hash=address_hash("198.51.100.1"))
    make_comment(ran, body="Elsewhere", ip_hash=address_hash("198.51.100.2"))

    response = admin_client.get(COMMENTS, {"ip_hash": address_hash("198.51.100.1")})

    assert sorted(rows(response)) == ["First", "Second"]


def test_approving_held_comments_publishes_them_on_the_film_page(admin_client, client, ran):
    held = [make_comment(ran, body=f"Held {n}", state=Comment.State.HELD) for n in range(2)]

    response = act(admin_client, COMMENTS, "approve", held)

    assert "2 comments published." in visible_text(response)
    assert set(Comment.objects.values_list("state", flat=True)) == {"published"}
    text = visible_text(client.get(ran.get_absolute_url()))
    assert "2 comments" in text and "Held 0" in text and "Held 1" in text


def test_a_hidden_comment_disappears_from_the_page_and_the_feeds_at_once(admin_client, client, ran):
    rude = make_comment(ran, body="Something rude")
    make_comment(ran, body="Something kind")
    assert "Something rude" in visible_text(client.get(ran.get_absolute_url()))

    response = act(admin_client, COMMENTS, "hide", [rude])

    assert "1 comment hidden." in visible_text(response)
    for url in (
        ran.get_absolute_url(),
        f"/film/{ran.slug}-{ran.pk}/comments/",
        "/comments/feed/",
        f"/film/{ran.slug}-{ran.pk}/comments/feed/",
    ):
        body = client.get(url).content.decode()
        assert "Something rude" not in body and "Something kind" in body
    assert client.get(f"/comments/{rude.pk}/").status_code == 404


def test_moderators_delete_comments_in_bulk(admin_client, ran):
    spam = [make_comment(ran, body=f"Spam {n}", state=Comment.State.SPAM) for n in range(3)]
    make_comment(ran, body="Kept")

    confirm = act(admin_client, COMMENTS, "delete_selected", spam)
    assert "Are you sure" in visible_text(confirm)
    admin_client.post(
        COMMENTS,
        {
            "action": "delete_selected",
            "post": "yes",
            ACTION_CHECKBOX_NAME: [str(c.pk) for c in spam],
        },
    )

    assert list(Comment.objects.values_list("body", flat=True)) == ["Kept"]


def test_hostile_input_is_escaped_in_the_admin(admin_client, ran):
    comment = make_comment(ran, name="<script>alert(1)</script>", body="<b onmouseover=x>hi</b>")

    for url in (COMMENTS, f"{COMMENTS}{comment.pk}/change/"):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.text
        assert "<b onmouseover=x>" not in response.text
        assert "<script>alert(1)</script>" in visible_text(response)


def test_comments_come_only_from_visitors_and_their_text_is_not_edited(admin_client, ran):
    comment = make_comment(ran, body="As written")

    assert admin_client.get(f"{COMMENTS}add/").status_code == 403
    response = admin_client.get(f"{COMMENTS}{comment.pk}/change/")
    form_fields = response.context["adminform"].form.fields
    assert list(form_fields) == ["state"]


def test_the_comment_list_runs_the_same_queries_whatever_its_number_of_rows(admin_client, ran):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert admin_client.get(COMMENTS).status_code == 200
        return len(context.captured_queries)

    make_comment(ran)
    before = queries()
    for n in range(5):
        make_comment(make_film(title=f"Film {n}"))

    assert queries() == before


# --- Votes ------------------------------------------------------------------------------


def test_withdrawing_votes_in_the_admin_keeps_the_films_figures_exact(admin_client, ran):
    for n, stars in enumerate([5, 4, 1]):
        vote_submit(film_id=ran.pk, visitor=Visitor(cookie_id=f"visitor-{n:016d}"), stars=stars)
    ballot_stuffing = Vote.objects.filter(stars=5)

    response = act(admin_client, VOTES, "withdraw", ballot_stuffing)

    assert "1 vote withdrawn." in visible_text(response)
    ran.refresh_from_db()
    assert (ran.votes_count, ran.votes_sum) == (2, 5)
    assert sorted(Vote.objects.values_list("stars", flat=True)) == [1, 4]


def test_votes_cannot_be_edited_or_deleted_behind_the_films_back(admin_client, ran):
    vote_submit(film_id=ran.pk, visitor=Visitor(cookie_id="v" * 24), stars=3)
    vote = Vote.objects.get()

    response = admin_client.get(VOTES)
    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions and "withdraw" in actions
    assert admin_client.post(f"{VOTES}{vote.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Vote.objects.count() == 1
