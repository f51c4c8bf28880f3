"""On PostgreSQL, outside a transaction, the importer prepares each batch while a thread
writes the previous one: it must store exactly what one batch after the other stores."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from bench.synthetic import SyntheticCatalog
from films.catalog.models import Country, Credit, Film, Genre, Language, Person, Theme

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the pipelined path is PostgreSQL's"
    ),
    # Committed for real: the writing thread has a connection of its own.
    pytest.mark.django_db(transaction=True),
]


def catalog_file(tmp_path, name, films=240, **changes) -> str:
    lines = list(SyntheticCatalog(films, seed=5).lines())
    for line in lines[::7]:
        line.update(changes)
    # The same person under another name further down: the later line renames them.
    lines[-1]["cast"][0]["name"] = "Renamed Later"
    path = tmp_path / name
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return str(path)


def run_import(path, *, pipelined: bool):
    def do():
        call_command("import_catalog", path, batch_size=25, stdout=io.StringIO())

    if pipelined:
        do()
    else:
        with transaction.atomic():  # one batch after the other, on this connection
            do()


def stored() -> dict:
    people = {p.pk: p.external_id for p in Person.objects.all()}
    films = {f.pk: f.external_id for f in Film.objects.all()}
    return {
        "films": sorted(
            Film.objects.values_list("external_id", "title", "year", "series", "rating_rank")
        ),
        "people": sorted(Person.objects.values_list("external_id", "name", "film_count")),
        "credits": sorted(
            (films[c.film_id], people[c.person_id], c.role, c.position, c.character)
            for c in Credit.objects.all()
        ),
        "genres": sorted(
            (films[row.film_id], row.genre.name)
            for row in Film.genres.through.objects.select_related("genre")
        ),
        "themes": Film.themes.through.objects.count(),
        "countries": Film.countries.through.objects.count(),
    }


def test_a_pipelined_import_stores_what_a_sequential_one_does(tmp_path):
    first = catalog_file(tmp_path, "first.jsonl")
    again = catalog_file(tmp_path, "again.jsonl", genres=["Western"], cast=[])

    run_import(first, pipelined=False)
    run_import(again, pipelined=False)
    sequential = stored()
    call_command("flush", "--noinput")
    run_import(first, pipelined=True)
    run_import(again, pipelined=True)

    assert stored() == sequential
    assert ("Renamed Later" in {name for _, name, _ in sequential["people"]}) is True
    assert len(sequential["credits"]) > 240 * 8 * 0.9


def planner_rows(model) -> float:
    """What PostgreSQL's planner believes the table holds (-1: never analyzed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        return cursor.fetchone()[0]


def test_after_an_import_and_a_build_the_planner_knows_how_many_rows_were_written(tmp_path):
    from recommendations.models import FilmRecommendations

    call_command("import_catalog", catalog_file(tmp_path, "c.jsonl"), stdout=io.StringIO())
    call_command("build_recommendations", stdout=io.StringIO())

    # Without ANALYZE the planner sees empty tables and scans them whole on every page.
    assert planner_rows(Film) == Film.objects.count() == 240
    assert planner_rows(Credit) == Credit.objects.count()
    assert planner_rows(Person) == Person.objects.count()
    assert planner_rows(Film.genres.through) == Film.genres.through.objects.count()
    assert planner_rows(FilmRecommendations) == FilmRecommendations.objects.count() == 240


def test_every_table_an_import_writes_has_planner_statistics(tmp_path):
    """PostgreSQL plans from statistics a bulk load leaves unknown (reltuples -1 until the
    table is first vacuumed or analyzed): the import refreshes them, vocabularies too."""
    run_import(catalog_file(tmp_path, "catalog.jsonl"), pipelined=True)

    tables = [
        model._meta.db_table for model in (Film, Person, Credit, Genre, Theme, Country, Language)
    ] + [Film.genres.through._meta.db_table, Film.themes.through._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples < 0", [tables]
        )
        unknown = [name for (name,) in cursor.fetchall()]
    assert unknown == []
