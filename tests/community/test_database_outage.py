"""The database out of reach: a vote or a comment gets a 503 that keeps what was written
(issue 22, finding 6), not the 500 page that lost it."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from films.catalog.models import Film
from tests.community.helpers import comment_data, visible_text
from tests.conftest import make_film


@pytest.fixture
def database_down(monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(Film.objects, "filter", refused)


def test_a_comment_sent_while_the_database_is_down_comes_back_with_its_text(db, database_down):
    film = make_film(title="Rashomon", year=1950)
    browser = Client(raise_request_exception=False)

    response = browser.post(
        reverse("films:comments", args=[film.slug, film.pk]),
        comment_data(film, body="The last shot, in the rain."),
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    text = visible_text(response)
    assert "Back in a moment" in text and "try again in a minute" in text
    assert "The last shot, in the rain." in text


def test_a_vote_sent_while_the_database_is_down_gets_the_same_page(db, database_down):
    film = make_film(title="Rashomon", year=1950)

    response = Client(raise_request_exception=False).post(
        reverse("films:rate", args=[film.slug, film.pk]), {"stars": 4}
    )

    assert response.status_code == 503
    assert "Back in a moment" in visible_text(response)
