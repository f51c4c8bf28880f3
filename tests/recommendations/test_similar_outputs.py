"""The machine-readable similar films: the `similar` command, similar.json, and the
`build_recommendations` command that stores them."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connections

from films.catalog.models import Film
from recommendations.models import FilmRecommendations
from recommendations.services import build_all
from tests.conftest import make_film
from tests.recommendations.catalog import add_bare_films

# Whitenoise warns that collectstatic has not been run; similar.json needs no static files.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


@pytest.fixture
def catalog(db):
    """Ran and two films by Kurosawa, one of them sharing its lead actor too."""
    ran = make_film(
        title="Ran",
        external_id="wikidata:Q1151119",
        year=1985,
        directors=["Akira Kurosawa"],
        writers=["Hideo Oguni"],
        cast=["Tatsuya Nakadai", "Akira Terao"],
        genres=["Drama", "War"],
        themes=["Betrayal"],
    )
    kagemusha = make_film(
        title="Kagemusha",
        external_id="wikidata:Q1193508",
        year=1980,
        directors=["Akira Kurosawa"],
        cast=["Tatsuya Nakadai"],
        genres=["Drama", "War"],
        themes=["Betrayal"],
    )
    ikiru = make_film(
        title="Ikiru",
        external_id="wikidata:Q1136264",
        year=1952,
        directors=["Akira Kurosawa"],
        writers=["Hideo Oguni"],
        genres=["Drama"],
    )
    add_bare_films(100)
    build_all()
    return ran, kagemusha, ikiru


def similar_lines(*args) -> list[dict]:
    out = StringIO()
    call_command("similar", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_prints_one_json_line_with_the_counts_and_named_reasons(catalog):
    [line] = similar_lines("wikidata:Q1151119")

    assert line == {
        "id": "wikidata:Q1151119",
        "title": "Ran",
        "year": 1985,
        "counts": {
            "actors": 1,
            "directors": 2,
            "genres": 2,
            "same_genres": 1,
            "themes": 1,
            "same_themes": 1,
            "suggestions": 2,
        },
        "suggestions": [
            {
                "id": "wikidata:Q1193508",
                "title": "Kagemusha",
                "year": 1980,
                "score": line["suggestions"][0]["score"],
                "reasons": {
                    "directors": ["Akira Kurosawa"],
                    "actors": ["Tatsuya Nakadai"],
                    "genres": ["Drama", "War"],
                    "same_genres": True,
                    "themes": ["Betrayal"],
                    "same_themes": True,
                },
            },
            {
                "id": "wikidata:Q1136264",
                "title": "Ikiru",
                "year": 1952,
                "score": line["suggestions"][1]["score"],
                "reasons": {
                    "directors": ["Akira Kurosawa"],
                    "writers": ["Hideo Oguni"],
                    "genres": ["Drama"],
                },
            },
        ],
    }
    first, second = (s["score"] for s in line["suggestions"])
    assert first > second > 0


def test_it_prints_one_line_per_id_in_the_order_given(catalog):
    lines = similar_lines("wikidata:Q1136264", "wikidata:Q1151119", "wikidata:Q1193508")

    assert [(line["id"], line["title"]) for line in lines] == [
        ("wikidata:Q1136264", "Ikiru"),
        ("wikidata:Q1151119", "Ran"),
        ("wikidata:Q1193508", "Kagemusha"),
    ]
    assert [set(line) for line in lines] == [{"id", "title", "year", "counts", "suggestions"}] * 3
    for line in lines:
        for suggested in line["suggestions"]:
            assert set(suggested) == {"id", "title", "year", "score", "reasons"}


def test_limit_keeps_the_best_suggestions_but_the_full_counts(catalog):
    [limited] = similar_lines("wikidata:Q1151119", "--limit", "1")
    [full] = similar_lines("wikidata:Q1151119")

    assert limited["suggestions"] == full["suggestions"][:1]
    assert limited["counts"] == full["counts"]
    assert limited["counts"]["suggestions"] == 2


def test_limit_0_prints_no_suggestions(catalog):
    [line] = similar_lines("wikidata:Q1151119", "--limit", "0")

    assert line["suggestions"] == []
    assert line["counts"]["suggestions"] == 2


def test_a_shared_series_is_named_in_the_reasons(db):
    first = make_film(title="Alien", external_id="wikidata:Q103569", series="Alien")
    make_film(title="Aliens", external_id="wikidata:Q104814", series="Alien", year=1986)
    build_all()

    [line] = similar_lines(first.external_id)

    assert line["suggestions"] == [
        {
            "id": "wikidata:Q104814",
            "title": "Aliens",
            "year": 1986,
            "score": 100.0,
            "reasons": {"series": "Alien"},
        }
    ]


def test_a_film_not_built_yet_has_null_counts_and_no_suggestions(catalog):
    make_film(title="New", external_id="wikidata:Q1", year=2024, directors=["Akira Kurosawa"])

    [line] = similar_lines("wikidata:Q1")

    assert line["counts"] == dict.fromkeys(
        ["actors", "directors", "genres", "same_genres", "themes", "same_themes", "suggestions"]
    )
    assert line["suggestions"] == []


def test_an_unknown_id_is_an_error_that_names_it(catalog):
    with pytest.raises(CommandError, match="Unknown film id: wikidata:Q404") as raised:
        call_command("similar", "wikidata:Q1151119", "wikidata:Q404", stdout=StringIO())

    assert raised.value.returncode == 2


def test_on_the_command_line_an_unknown_id_exits_2_with_the_message_on_stderr(
    catalog, capsys, monkeypatch
):
    # run_from_argv closes every connection when it ends, which would take the test's
    # transaction with it.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "similar", "wikidata:Q404", "wikidata:Q405"])

    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Unknown film id: wikidata:Q404, wikidata:Q405" in err


def test_similar_json_gives_the_same_object_as_the_command(client, catalog):
    ran = catalog[0]
    [line] = similar_lines(ran.external_id)

    response = client.get(f"/film/{ran.slug}-{ran.pk}/similar.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == line


def test_similar_json_keeps_non_ascii_titles_readable(client, db):
    film = make_film(title="七人の侍", external_id="wikidata:Q190525", year=1954)
    build_all()

    response = client.get(f"/film/film-{film.pk}/similar.json")

    assert "七人の侍" in response.content.decode()
    assert response.json()["title"] == "七人の侍"


def run_build(*args) -> str:
    out = StringIO()
    call_command("build_recommendations", *args, stdout=out)
    return out.getvalue()


def test_build_recommendations_builds_every_film(db):
    films = [make_film(title=f"Film {n}", directors=["Director"]) for n in range(3)]

    output = run_build()

    assert output.strip().startswith("Built similar films for 3 films in ")
    assert set(FilmRecommendations.objects.values_list("film_id", flat=True)) == {
        f.id for f in films
    }


def test_build_recommendations_if_missing_skips_when_every_film_is_built(catalog):
    built_at = set(FilmRecommendations.objects.values_list("built_at", flat=True))

    output = run_build("--if-missing")

    assert output.strip() == "Every film has its similar films; nothing to build."
    assert set(FilmRecommendations.objects.values_list("built_at", flat=True)) == built_at


def test_build_recommendations_if_missing_builds_when_a_film_is_missing(catalog):
    new = make_film(title="New", directors=["Akira Kurosawa"])

    output = run_build("--if-missing")

    assert output.startswith(f"Built similar films for {Film.objects.count()} films")
    record = FilmRecommendations.objects.get(film=new)
    assert record.directors_count == 3
    assert len(record.suggestions) == 3
