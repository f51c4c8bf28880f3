"""A page that asks too much of PostgreSQL is stopped by the web role's statement_timeout
and gets the 503 page, instead of holding a worker and a backend past gunicorn's timeout
(issue 22, finding 1)."""

import pytest
from django.db import connection
from django.db.backends.signals import connection_created
from django.test import Client
from django.urls import reverse

from pages.views import browse
from tests.community.helpers import visible_text

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
)


@pytest.fixture
def web_process():
    """Connections opened as in a gunicorn worker: filmsite.wsgi connects the bound."""
    import filmsite.wsgi  # noqa: F401 - connects the receiver, as the servers load it

    connection.close()  # the next query opens a connection, as a new worker's would
    yield
    connection_created.disconnect(dispatch_uid="filmsite.limit_statements")
    connection.close()


def slowed(paginate, seconds):
    def slow_paginate(request, films):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [seconds])
        return paginate(request, films)

    return slow_paginate


@pytest.mark.django_db(transaction=True)
def test_a_page_whose_statement_runs_too_long_gets_the_503_page(web_process, settings, monkeypatch):
    settings.DATABASE_STATEMENT_TIMEOUT = 1
    monkeypatch.setattr(browse, "paginate", slowed(browse.paginate, 3))

    response = Client(raise_request_exception=False).get(reverse("films:browse"))

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "asked more of the database than the site allows" in visible_text(response)


@pytest.mark.django_db(transaction=True)
def test_commands_are_not_bound(settings):
    """Without filmsite.wsgi (an import, a build), a connection has no statement_timeout."""
    settings.DATABASE_STATEMENT_TIMEOUT = 1
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
