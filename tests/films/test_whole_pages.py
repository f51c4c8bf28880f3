"""Whole pages from the cache (films/whole_pages.py): served without the database to
visitors the page does not vary for, and never after what they show has changed."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from films.community import vote_submit
from films.forms import FormStamp
from films.models import Comment, Credit, Film, Person
from films.visitors import Visitor
from films.whole_pages import FRESH_VALUES
from recommendations.services import build_all
from tests.films.community import aged_stamp, post_comment, rate, visible_text
from tests.recommendations.catalog import add_bare_films, add_films_credited_to

MARKERS = [marker for marker, _ in FRESH_VALUES.values()]


@pytest.fixture(autouse=True)
def whole_pages_on(settings):
    settings.WHOLE_PAGE_CACHE = True


@pytest.fixture
def figgis(db):
    add_bare_films(200)
    films = add_films_credited_to("Mike Figgis", Credit.Role.DIRECTOR, 3)
    for i, film in enumerate(films):
        Film.objects.filter(pk=film.pk).update(
            title=f"Figgis film {i}", slug=f"figgis-film-{i}", year=1990
        )
    build_all()
    return [Film.objects.get(pk=f.pk) for f in films]


NINETIES = reverse("films:decade", kwargs={"start": 1990})


def visit(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def without_fresh_values(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    return re.sub(r'name="stamp" value="[^"]+"', "stamp", html)


def test_a_film_page_is_served_without_the_database_once_stored(client, figgis):
    url = figgis[0].get_absolute_url()
    first, first_queries = visit(client, url)
    # The first visit learns which films the page shows; the second stores the page with
    # their stamps, read before it was rendered; the third reads nothing.
    visit(client, url)
    third, third_queries = visit(client, url)

    assert first_queries > 0 and third_queries == 0
    assert without_fresh_values(third.content.decode()) == without_fresh_values(
        first.content.decode()
    )
    assert "Figgis film 1" in third.content.decode()
    assert not any(marker in third.content.decode() for marker in MARKERS)


def test_each_stored_page_gets_its_own_comment_stamp_and_a_working_csrf_token(figgis):
    browser = Client(enforce_csrf_checks=True)
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        html = visit(browser, url)[0].content.decode()
    stamps = set()
    for _ in range(2):
        html = visit(browser, url)[0].content.decode()
        stamps.add(re.search(r'name="stamp" value="([^"]+)"', html).group(1))
    assert len(stamps) == 2 and all(FormStamp.read(stamp) for stamp in stamps)

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = rate(browser, figgis[0], stars=4, csrfmiddlewaretoken=token)

    assert response.status_code == 302
    assert Film.objects.get(pk=figgis[0].pk).votes_count == 1


def test_a_vote_shows_at_once_to_the_voter_and_to_everyone_else(client, figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        visit(client, url)
    voter = Client()
    visit(voter, url)

    rate(voter, figgis[0], stars=5)

    assert "You gave it 5 stars" in visible_text(visit(voter, url)[0])
    page = visible_text(visit(client, url)[0])
    assert "from 1 rating" in page and "You gave it" not in page


def test_a_vote_on_a_suggested_film_shows_on_the_page_suggesting_it(client, figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        visit(client, url)

    vote_submit(film_id=figgis[1].pk, visitor=Visitor(cookie_id="w" * 24), stars=5)

    similar = visit(client, url)[0].content.decode().split('id="similar"')[1]
    assert "100% · 5.0/5" in similar


def test_a_new_comment_and_a_hidden_one_show_at_once(admin_client, client, figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        visit(client, url)

    post_comment(Client(), figgis[0], name="Ada", body="Haunting.", stamp=aged_stamp())
    assert "Haunting." in visible_text(visit(client, url)[0])

    comment = Comment.objects.get(body="Haunting.")
    admin_client.post(
        reverse("admin:films_comment_changelist"),
        {"action": "hide", "_selected_action": [comment.pk]},
    )
    assert "Haunting." not in visible_text(visit(client, url)[0])


def test_a_curators_edit_shows_on_every_page_at_once(admin_client, client, figgis):
    pages = [figgis[1].get_absolute_url(), NINETIES, f"{reverse('films:search')}?q=figgis"]
    for url in pages * 3:
        visit(client, url)
    person = Person.objects.get(name="Mike Figgis")

    admin_client.post(
        f"/admin/films/person/{person.pk}/change/",
        {"name": "Michael Figgis", "slug": person.slug, "external_id": ""},
    )

    for url in pages:
        text = visible_text(visit(client, url)[0])
        assert "Michael Figgis" in text and "Mike Figgis" not in text, url


def test_a_vote_reorders_the_lists_at_once(client, figgis):
    url = f"{NINETIES}?sort=rating"
    for _ in range(2):
        visit(client, url)

    vote_submit(film_id=figgis[2].pk, visitor=Visitor(cookie_id="o" * 24), stars=5)

    first_card = visit(client, url)[0].content.decode().split('<article class="film-card">')[1]
    assert "Figgis film 2" in first_card


def test_visitors_with_a_session_or_a_message_get_their_own_page(client, figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        visit(client, url)
    voter = Client()
    response = rate(voter, figgis[0], stars=3)
    assert response.status_code == 302

    # The message saying the vote was saved, on the page the vote redirects to.
    assert "Thank you! You gave" in visible_text(voter.get(response["Location"]))


def test_a_rebuild_shows_at_once(client, figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        assert "Figgis film 2" in visit(client, url)[0].content.decode()

    Credit.objects.filter(film=figgis[2]).delete()
    build_all()

    assert "Figgis film 2" not in visit(client, url)[0].content.decode()


def test_credits_deleted_by_an_admin_action_leave_the_lists(admin_client, client, figgis):
    for _ in range(2):
        assert "Mike Figgis" in visible_text(visit(client, NINETIES)[0])
    credits = list(Credit.objects.filter(person__name="Mike Figgis").values_list("pk", flat=True))

    admin_client.post(
        reverse("admin:films_credit_changelist"),
        {"action": "delete_selected", "_selected_action": credits, "post": "yes"},
    )

    assert not Credit.objects.filter(pk__in=credits).exists()
    assert "Mike Figgis" not in visible_text(visit(client, NINETIES)[0])
