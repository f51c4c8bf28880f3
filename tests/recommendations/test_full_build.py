"""One engine, two paths: a full build (the whole catalog in arrays) and the rebuild of one
film after a curator's edit (only that film's neighbourhood, read from the database) must
store the same counts and suggestions, on every film of a generated catalog."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from bench.synthetic import SyntheticCatalog
from recommendations import postings, weights
from recommendations.models import FilmRecommendations
from recommendations.services import build_all, rebuild_film
from tests.recommendations.test_counts import COUNT_FIELDS

FILMS = 600


def import_synthetic(tmp_path, films=FILMS):
    """The synthetic catalog, with some casts in no particular order and, for some of its
    series, no series named: their films are titled as sequels are, "Name 2" or "Name:
    Subtitle", for the engine to infer."""
    lines = list(SyntheticCatalog(films, seed=11).lines())
    for line in lines[::5]:
        line["cast_in_billing_order"] = False
    numbers, seen = {}, []
    for line in lines:
        name = line.get("series")
        if name and name not in seen:
            seen.append(name)
        if name and seen.index(name) % 2:
            numbers[name] = numbers.get(name, 0) + 1
            number = numbers[name]
            line["title"] = name if number == 1 else f"{name} {number}"
            if number == 3:
                line["title"] = f"{name}: {line['original_title']}"
            line["original_title"] = line["title"]
            del line["series"]
    path = tmp_path / "catalog.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    call_command("import_catalog", str(path), stdout=io.StringIO())


def stored() -> dict[int, tuple]:
    return {
        row.film_id: (tuple(getattr(row, f) for f in COUNT_FIELDS), row.suggestions)
        for row in FilmRecommendations.objects.all()
    }


@pytest.mark.parametrize(
    "generator_films, bitset_postings",
    [
        (weights.MAX_GENERATOR_FILMS, postings.BITSET_POSTINGS),
        # Features too common to generate candidates, and unions counted with bitsets.
        (25, 8),
    ],
    ids=["as configured", "small limits"],
)
def test_rebuilding_each_film_alone_stores_what_the_full_build_stores(
    db, tmp_path, monkeypatch, generator_films, bitset_postings
):
    monkeypatch.setattr(weights, "MAX_GENERATOR_FILMS", generator_films)
    monkeypatch.setattr(postings, "BITSET_POSTINGS", bitset_postings)
    import_synthetic(tmp_path)
    build_all()
    full = stored()

    for film_id in full:
        rebuild_film(film_id)

    assert stored() == full
    # Not a comparison of empty results: suggestions of every kind were ranked.
    suggestions = [s for _, listed in full.values() for s in listed]
    assert len(suggestions) > FILMS
    kinds = {kind for s in suggestions for kind in s["reasons"]}
    assert kinds >= {"series", "inferred_series", "directors", "writers", "actors", "genres"}
    assert kinds >= {"themes", "same_genres", "same_themes"}


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
