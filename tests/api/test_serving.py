"""How the API serves: from the whole-page cache with the pages' headers (Surrogate-Key,
ETag, 304), rate-limited per address (429 with Retry-After), readable from any web page
(CORS), HEAD as GET, and errors in JSON, never a 500."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caching import surrogate_keys
from tests.api.conftest import API, get
from tests.caching.test_whole_pages import front, keep_django_out, through  # noqa: F401
from tests.community.helpers import freeze_rate_limit_clock


@pytest.fixture
def whole_pages(settings):
    settings.WHOLE_PAGE_CACHE = True


def answer(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}{path}", headers=headers)
    return response, len(queries)


# --- Caching --------------------------------------------------------------------------


def test_an_answer_is_stored_and_then_served_without_the_database(client, catalog, whole_pages):
    path = f"/films/{catalog.vegas.pk}/"
    first, first_queries = answer(client, path)
    second, second_queries = answer(client, path)

    assert first.status_code == second.status_code == 200
    assert first_queries > 0 and second_queries == 0
    assert second.json() == first.json()
    assert first["Surrogate-Key"] == f"catalog film-{catalog.vegas.pk}"
    assert first["ETag"].startswith('W/"') and second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "no-cache"
    assert second["Access-Control-Allow-Origin"] == "*"  # stored with the answer


def test_an_answer_sent_back_with_its_etag_is_a_304(client, catalog, whole_pages):
    path = f"/films/{catalog.vegas.pk}/similar/"
    etag = answer(client, path)[0]["ETag"]

    not_modified, queries = answer(client, path, if_none_match=etag)

    assert not_modified.status_code == 304 and queries == 0
    assert not_modified["ETag"] == etag
    assert not_modified["Cache-Control"] == "no-cache"


@pytest.mark.parametrize(
    "path, keys",
    [
        ("/films/", "catalog ratings"),
        ("/search/films/?q=vegas", "catalog ratings"),
        ("/search/people/?q=figgis", "catalog"),
        ("/genres/", "catalog"),
        ("/themes/", "catalog"),
    ],
)
def test_each_answer_names_what_it_shows(client, catalog, whole_pages, path, keys):
    assert answer(client, path)[0]["Surrogate-Key"] == keys


def test_a_person_shows_the_catalog(client, catalog, whole_pages):
    person = catalog.vegas.directors[0]
    assert answer(client, f"/people/{person.pk}/")[0]["Surrogate-Key"] == "catalog"


def test_a_vote_on_the_film_makes_its_answer_computed_again(client, catalog, whole_pages):
    path = f"/films/{catalog.vegas.pk}/"
    etag = answer(client, path)[0]["ETag"]
    surrogate_keys.films_rated([catalog.vegas.pk])  # as a vote does

    again, queries = answer(client, path, if_none_match=etag)

    assert again.status_code == 200 and queries > 0
    assert again["ETag"] != etag


def test_errors_are_neither_stored_nor_validated(client, catalog, whole_pages):
    for path in ("/films/999999/", "/films/?page_size=1000"):
        first, _ = answer(client, path)
        second, _ = answer(client, path)
        assert second.status_code == first.status_code != 200
        assert "ETag" not in second and "Surrogate-Key" not in second
        assert second["Cache-Control"] == "no-store"
    # Looked for again, not read from the cache.
    assert answer(client, "/films/999999/")[1] > 0


def test_without_the_whole_page_cache_answers_still_say_how_to_cache(client, catalog):
    response, _ = answer(client, "/films/")

    assert response["Cache-Control"] == "no-cache"
    assert "ETag" not in response  # the whole-page cache makes it


def test_the_wsgi_front_serves_a_stored_answer_without_django(
    front,  # noqa: F811
    catalog,
    whole_pages,
    monkeypatch,
):
    path = f"{API}/films/{catalog.vegas.pk}/"
    rendered = [through(front, path) for _ in range(2)][-1]
    keep_django_out(front, monkeypatch)

    served = through(front, path)

    assert served.status == "200 OK"
    assert json.loads(served.body) == json.loads(rendered.body)
    assert served.header("Access-Control-Allow-Origin") == "*"
    assert served.header("Content-Type") == "application/json; charset=utf-8"


# --- Rate limit -----------------------------------------------------------------------


def test_too_many_requests_from_one_address_are_a_429_saying_when_to_retry(
    client, catalog, settings, monkeypatch
):
    freeze_rate_limit_clock(monkeypatch)
    settings.API_RATE_LIMIT = "3/m"
    for _ in range(3):
        get(client, "/genres/")

    response = client.get(f"{API}/films/{catalog.vegas.pk}/")

    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 60
    assert response.json() == {
        "message": f"Too many requests from your address: try again in {wait} seconds.",
        "errors": [],
    }
    assert response["Cache-Control"] == "no-store" and "ETag" not in response
    assert response["Access-Control-Allow-Origin"] == "*"  # a script can read why
    # Another address is not held back.
    assert Client(REMOTE_ADDR="192.0.2.7").get(f"{API}/genres/").status_code == 200


def test_answers_from_the_cache_are_not_counted(client, catalog, settings, whole_pages):
    settings.API_RATE_LIMIT = "2/m"
    path = f"/films/{catalog.vegas.pk}/"
    statuses = [answer(client, path)[0].status_code for _ in range(5)]

    assert statuses == [200] * 5  # one computed, four from the cache
    assert answer(client, "/genres/")[0].status_code == 200  # the second computed
    assert answer(client, "/themes/")[0].status_code == 429


def test_the_limit_can_be_lifted(client, catalog, settings):
    settings.API_RATE_LIMIT = "off"
    for _ in range(5):
        get(client, "/genres/")


# --- CORS, methods --------------------------------------------------------------------


def test_any_web_page_may_read_the_api(client, catalog):
    response = client.get(f"{API}/films/", headers={"origin": "https://example.org"})

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Retry-After" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_is_answered_for_reading_only(client, catalog):
    response = client.options(
        f"{API}/films/",
        headers={
            "origin": "https://example.org",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )

    assert response.status_code == 204 and response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_cors_is_for_the_api_only(client, catalog):
    page = client.get("/browse/", headers={"origin": "https://example.org"})

    assert "Access-Control-Allow-Origin" not in page


def test_writing_is_refused_without_cors(client, catalog):
    response = client.post(f"{API}/films/", headers={"origin": "https://example.org"})

    assert response.status_code == 405
    assert "Access-Control-Allow-Origin" not in response


def test_head_is_answered_as_get(client, catalog):
    response = client.head(f"{API}/films/{catalog.vegas.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"


# --- Errors ---------------------------------------------------------------------------


def test_the_api_root_says_where_its_description_is(client, db):
    assert get(client, "/") == {
        "openapi": "http://testserver/api/v1/openapi.json",
        "docs": "http://testserver/api/v1/docs",
    }


@pytest.mark.parametrize("path", ["/api/", "/api/v2/films/", "/api/v1/film/1/", "/api/v1/films/x/"])
def test_an_unknown_address_is_a_404_in_json(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json()["message"].startswith("No such address in the API")


@pytest.mark.parametrize(
    "query",
    [
        "page=-1",
        "page=1e3",
        "page_size=0",
        "page_size=%00",
        "genre=%ff",
        "genre=" + "x" * 5000,
        "decade=99999999999999999999",
        "year_from=1e400",
        "country=%00",
        "theme=,,,",
        "min_rating=NaN",
        "q=%00&page=2",
    ],
)
def test_bad_input_is_never_a_500(client, catalog, query):
    for path in ("/films/", "/search/films/", "/search/people/", "/genres/", "/themes/"):
        response = client.get(f"{API}{path}?{query}")
        assert response.status_code in (200, 404, 422), (path, query, response.content)
        assert "message" in response.json() or response.status_code == 200


def test_a_rate_the_settings_cannot_read_stops_the_site():
    from tests.test_settings import clean_env, run_python

    env = clean_env(DJANGO_SETTINGS_MODULE="filmsite.settings", API_RATE_LIMIT="fast")
    result = run_python(env, "-c", "import django; django.setup()")

    assert result.returncode != 0
    assert "Unexpected value for API_RATE_LIMIT: 'fast'" in result.stderr
