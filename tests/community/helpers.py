"""Helpers for the ratings and comments tests: sending forms as a visitor's browser does."""

import html
import itertools
import re
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from films.catalog.models import Film
from films.community.forms import FormStamp
from films.community.models import Comment

_tokens = itertools.count(1)


def aged_stamp(film: Film | None, seconds: float = 60) -> str:
    """The stamp of `film`'s comment form shown `seconds` ago: long enough for a person.
    Without a film, the stamp of a film that does not exist."""
    return FormStamp.new(film.pk if film else 0, shown_at=time.time() - seconds)


def comment_data(film: Film | None, **fields) -> dict:
    fields.setdefault("name", "Ada")
    fields.setdefault("body", "A film I keep thinking about.")
    fields.setdefault("email", "")
    fields.setdefault("subject", "")
    fields.setdefault("stamp", aged_stamp(film))
    return fields


def post_comment(client, film: Film, **fields):
    """Send the comment form of `film` as a person would: shown a minute ago."""
    url = reverse("films:comments", args=[film.slug, film.pk])
    return client.post(url, comment_data(film, **fields))


def make_comment(film: Film, **kwargs) -> Comment:
    """A comment stored directly, as the site would have stored it."""
    kwargs.setdefault("name", "Ada")
    kwargs.setdefault("body", "A comment.")
    kwargs.setdefault("token", f"test-token-{next(_tokens)}")
    return Comment.objects.create(film=film, **kwargs)


def rate(client, film: Film, **data):
    return client.post(reverse("films:rate", args=[film.slug, film.pk]), data)


def visible_text(response) -> str:
    """The page as a person reads it: tags removed, entities decoded, spaces collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip())


class _FrozenClock:
    """Stands for the time module in django_ratelimit.core: its windows are fixed periods
    (10:00-10:10...), and a test crossing the end of one would start counting anew."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


def freeze_rate_limit_clock(monkeypatch) -> _FrozenClock:
    clock = _FrozenClock(time.time())
    monkeypatch.setattr("django_ratelimit.core.time", clock)
    return clock


def needs_concurrent_writers(test):
    """For a test of writers at once (all_at_once): run on PostgreSQL, each writer in a
    transaction of its own."""
    on_postgresql = pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers: SQLite takes one writer at a time, so its run could "
        "not show a lost or doubled write; CI runs this test on PostgreSQL",
    )
    return on_postgresql(pytest.mark.django_db(transaction=True)(test))


def all_at_once(actions) -> list[Exception]:
    """Run each action in a thread of its own, all let go at the same moment, each with
    its own database connection (closed after); the errors they raised."""
    start = threading.Barrier(len(actions))
    errors: list[Exception] = []

    def run(action):
        try:
            start.wait()
            action()
        except Exception as error:  # returned, with the others
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
