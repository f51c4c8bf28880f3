"""The full build's array engine (recommendations/arrays.py) against the engine it must
agree with (recommendations/engine.py), on every film of a generated catalog."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from films.synthetic import SyntheticCatalog
from recommendations import arrays, weights
from recommendations.arrays import ArrayIndex
from recommendations.engine import counts_for, similar_films
from recommendations.index import CatalogIndex
from recommendations.models import FilmRecommendations
from recommendations.services import build_all

FILMS = 600


def import_synthetic(tmp_path, films=FILMS):
    lines = list(SyntheticCatalog(films, seed=11).lines())
    for line in lines[::5]:  # some casts in no particular order
        line["cast_in_billing_order"] = False
    path = tmp_path / "catalog.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    call_command("import_catalog", str(path), stdout=io.StringIO())


def engine_results() -> dict[int, tuple]:
    index = CatalogIndex.load()
    results = {}
    for film_id in index.film_ids():
        film = index.features(film_id)
        counts = counts_for(film, index)
        results[film_id] = (
            (
                counts.actors,
                counts.directors,
                counts.genres,
                counts.same_genres,
                counts.themes,
                counts.same_themes,
            ),
            [s.as_json() for s in similar_films(film, index)],
        )
    return results


def array_results() -> dict[int, tuple]:
    index = ArrayIndex.load()
    results = {}
    for film in range(index.film_total):
        r = index.result(film)
        counts = (r.actors, r.directors, r.genres, r.same_genres, r.themes, r.same_themes)
        results[r.film_id] = (counts, r.suggestions)
    return results


@pytest.mark.parametrize(
    "generator_films, bitset_postings",
    [
        (weights.MAX_GENERATOR_FILMS, arrays.BITSET_POSTINGS),
        # Features too common to generate candidates, and unions counted with bitsets.
        (25, 8),
    ],
    ids=["as configured", "small limits"],
)
def test_the_array_engine_gives_the_engines_counts_and_suggestions_for_every_film(
    db, tmp_path, monkeypatch, generator_films, bitset_postings
):
    monkeypatch.setattr(weights, "MAX_GENERATOR_FILMS", generator_films)
    monkeypatch.setattr(arrays, "BITSET_POSTINGS", bitset_postings)
    import_synthetic(tmp_path)

    expected = engine_results()

    assert array_results() == expected
    # Not a comparison of empty results: suggestions of every kind were ranked.
    suggestions = [s for _, listed in expected.values() for s in listed]
    assert len(suggestions) > FILMS
    kinds = {kind for s in suggestions for kind in s["reasons"]}
    assert kinds >= {"series", "directors", "writers", "actors", "genres", "themes"}
    assert {"same_genres", "same_themes"} <= kinds


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="forked workers need a database server; SQLite's test database is in memory",
)
@pytest.mark.django_db(transaction=True)
def test_a_build_in_several_processes_stores_what_one_process_does(tmp_path, monkeypatch):
    import_synthetic(tmp_path, films=300)
    monkeypatch.setattr("recommendations.services.BUILD_CHUNK", 40)

    assert build_all(workers=1) == 300
    alone = {r.film_id: r for r in FilmRecommendations.objects.all()}
    FilmRecommendations.objects.all().delete()
    progress = []
    assert build_all(workers=2, on_progress=progress.append) == 300

    together = {r.film_id: r for r in FilmRecommendations.objects.all()}
    assert sum(progress) == 300
    assert together.keys() == alone.keys()
    for film_id, row in together.items():
        assert row.suggestions == alone[film_id].suggestions
        assert row.actors_count == alone[film_id].actors_count
        assert row.themes_count == alone[film_id].themes_count
