"""The OpenAPI description at /api/v1/openapi.json: a valid document, whose every GET
operation answers as it says, and its documentation at /api/v1/docs from the site's own
static files."""

from typing import get_args
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles import finders
from lxml import html
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_document

from api import schemas
from films.catalog.models import Person
from pages.filters import DURATIONS, MIN_RATINGS, MODES, SORTS
from tests.api.conftest import API

# An example of every parameter the document names, valid for the test catalog: the films
# filters all at once, in a combination that finds Leaving Las Vegas.
EXAMPLES = {
    "page": 1,
    "page_size": 5,
    "q": "las vegas",
    "genre": "drama",
    "genre_mode": "all",
    "exclude_genre": "thriller",
    "theme": "alcoholism",
    "country": "US",
    "decade": 1990,
    "year_from": 1990,
    "year_to": 1999,
    "duration": "medium",
    "min_rating": "3.5",
    "sort": "year",
}


@pytest.fixture
def document(client, db) -> dict:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_is_valid_openapi(document):
    validate_document(document)  # raises on the first error

    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "filmsite API"


def test_it_documents_every_operation_with_its_errors(document):
    operations = {
        (path, method): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }

    assert sorted(path for path, _ in operations) == [
        f"{API}/films/",
        f"{API}/films/{{film_id}}/",
        f"{API}/films/{{film_id}}/similar/",
        f"{API}/genres/",
        f"{API}/people/{{person_id}}/",
        f"{API}/search/films/",
        f"{API}/search/people/",
        f"{API}/themes/",
    ]
    assert {method for _, method in operations} == {"get"}  # HEAD is answered, not listed
    for operation in operations.values():
        assert {"200", "404", "422", "429"} <= operation["responses"].keys()


def _call(client, document, path, method, params):
    operation = document["paths"][path][method]
    names = {p["name"]: p for p in operation.get("parameters", [])}
    url = path.format(**{n: params[n] for n, p in names.items() if p["in"] == "path"})
    query = {n: params[n] for n, p in names.items() if p["in"] == "query" and n in params}
    response = client.get(url, query)
    return operation, response


def _check(document, operation, response):
    """The answer against the schema the document gives for its status."""
    assert response["Content-Type"].startswith("application/json")
    described = operation["responses"][str(response.status_code)]
    schema = described["content"]["application/json"]["schema"]
    # Its references point into the document's components.
    OAS31Validator({**schema, "components": document["components"]}).validate(response.json())


@pytest.mark.parametrize("every_parameter", [False, True], ids=["required", "all"])
def test_every_operation_answers_as_the_document_says(client, catalog, document, every_parameter):
    figgis = Person.objects.get(name="Mike Figgis")
    known = {"film_id": catalog.vegas.pk, "person_id": figgis.pk}
    for path, methods in document["paths"].items():
        operation = methods["get"]
        for parameter in operation.get("parameters", []):
            assert parameter["name"] in EXAMPLES | known, f"no example for {parameter['name']}"
        examples = EXAMPLES if every_parameter else {"q": EXAMPLES["q"]}
        operation, response = _call(client, document, path, "get", examples | known)
        assert response.status_code == 200, (path, response.content)
        _check(document, operation, response)
        if "results" in response.json() and path == f"{API}/films/" and every_parameter:
            assert [f["title"] for f in response.json()["results"]] == ["Leaving Las Vegas"]


def test_errors_answer_as_the_document_says(client, catalog, document):
    films = f"{API}/films/"
    for path, params, status in [
        (f"{API}/films/{{film_id}}/", {"film_id": 999999}, 404),
        (f"{API}/people/{{person_id}}/", {"person_id": 999999}, 404),
        (films, {"page": 99}, 404),
        (films, {"page_size": 101}, 422),
        (films, {"genre": "none-such"}, 422),
        (f"{API}/search/films/", {}, 422),
    ]:
        operation, response = _call(client, document, path, "get", params)
        assert response.status_code == status, (path, params)
        _check(document, operation, response)


def test_its_choices_are_those_of_the_browse_page(document):
    assert set(get_args(schemas.Sort)) == set(SORTS)
    assert set(get_args(schemas.Duration)) == {value for value, _ in DURATIONS}
    assert set(get_args(schemas.MinRating)) == {value for value, _ in MIN_RATINGS}
    genre_mode = schemas.FilmFilters.model_fields["genre_mode"].annotation
    assert set(get_args(genre_mode)) == {value for value, _ in MODES}


def test_the_documentation_uses_only_the_sites_own_files(client, db):
    response = client.get(f"{API}/docs")

    assert response.status_code == 200
    page = html.fromstring(response.content)
    assert page.get("lang") == "en" and page.findtext(".//title")
    linked = page.xpath("//script/@src | //link/@href")
    assert linked, "the page loads Swagger UI"
    for url in linked:
        assert not urlparse(url).netloc, f"{url} is not the site's"
        assert url.startswith("/static/ninja/")
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"
    assert b"http" not in response.content  # no address of another site, not even in data


def test_only_the_documentation_may_show_data_images(client, db):
    docs = client.get(f"{API}/docs")["Content-Security-Policy"]
    films = client.get(f"{API}/films/")["Content-Security-Policy"]

    assert "img-src 'self' data:" in docs and "script-src 'self';" in docs + ";"
    assert "data:" not in films
