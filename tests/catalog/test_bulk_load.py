"""A first import on PostgreSQL goes without the indexes it does not read and builds them
afterwards (films/bulk_load.py): whatever happens, the database ends with every index."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections

from bench.synthetic import SyntheticCatalog
from films.catalog.importing import bulk_load, lock
from films.catalog.importing.writer import CatalogWriter
from films.catalog.models import DeferredIndex, Film

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="indexes are deferred on PostgreSQL only"
    ),
    # Committed for real, as an import runs: not inside a transaction, batches written by
    # a thread of their own.
    pytest.mark.django_db(transaction=True),
]


def indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        )
        return dict(cursor.fetchall())


def catalog_file(tmp_path, seed=5, films=60) -> str:
    path = tmp_path / f"catalog-{seed}.jsonl"
    lines = SyntheticCatalog(films, seed=seed).lines()
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return str(path)


def run_import(path, **options) -> str:
    out = io.StringIO()
    call_command("import_catalog", path, batch_size=20, stdout=out, stderr=out, **options)
    return out.getvalue()


@pytest.fixture
def indexes_while_writing(monkeypatch):
    """The indexes there are as each batch is written."""
    seen = []
    write = CatalogWriter.write

    def watched(self, batch):
        seen.append(indexes())
        write(self, batch)

    monkeypatch.setattr(CatalogWriter, "write", watched)
    return seen


def test_a_first_import_builds_afterwards_the_indexes_it_does_not_read(
    tmp_path, indexes_while_writing
):
    before = indexes()
    run_import(catalog_file(tmp_path))

    assert Film.objects.count() == 60
    assert indexes() == before
    assert not DeferredIndex.objects.exists()
    during = indexes_while_writing[0]
    assert len(indexes_while_writing) == 3 and all(i == during for i in indexes_while_writing)
    missing = before.keys() - during.keys()
    assert {"credit_person_role_idx", "person_search_name_trgm", "film_year_idx"} <= missing
    # Those that check the rows, and the one the import looks people up with, stay.
    assert {name for name, sql in before.items() if "UNIQUE" in sql} <= during.keys()
    assert "person_name_idx" in during


def test_an_import_into_a_catalog_keeps_every_index(tmp_path, indexes_while_writing):
    run_import(catalog_file(tmp_path, seed=5))
    before = indexes()
    indexes_while_writing.clear()

    run_import(catalog_file(tmp_path, seed=6))

    assert indexes_while_writing and all(i == before for i in indexes_while_writing)


def test_a_first_import_that_fails_still_builds_them(tmp_path, monkeypatch):
    before = indexes()
    write = CatalogWriter.write
    written = []

    def fails_second(self, batch):
        if written:
            raise DatabaseError("the disk is full")
        write(self, batch)
        written.append(batch)

    monkeypatch.setattr(CatalogWriter, "write", fails_second)
    with pytest.raises(DatabaseError):
        run_import(catalog_file(tmp_path))

    assert Film.objects.count() == 20  # the first batch stays
    assert indexes() == before
    assert not DeferredIndex.objects.exists()


@pytest.mark.parametrize("options", [{}, {"if_empty": True}])
def test_the_next_import_builds_those_a_stopped_one_left(tmp_path, options):
    run_import(catalog_file(tmp_path, seed=5))
    before = indexes()
    bulk_load._drop_deferrable_indexes()  # as a first import does, then stopped for good
    assert DeferredIndex.objects.exists() and indexes() != before

    out = run_import(catalog_file(tmp_path, seed=6), **options)

    assert "Built the indexes a stopped import left: " in out
    assert "credit_person_role_idx" in out
    assert indexes() == before
    assert not DeferredIndex.objects.exists()


def test_an_index_that_cannot_be_built_is_kept_for_the_next_import(tmp_path):
    before = indexes()
    DeferredIndex.objects.create(name="broken", definition="CREATE INDEX broken ON nowhere (x)")

    out = run_import(catalog_file(tmp_path))

    assert "Could not build the indexes a stopped import left: broken" in out
    assert "Imported 60 films" in out  # and the others were built after it
    assert indexes() == before
    assert list(DeferredIndex.objects.values_list("name", flat=True)) == ["broken"]


def test_a_second_import_at_once_is_refused_and_writes_nothing(tmp_path):
    first = connections.create_connection("default")  # another process's, as it were
    try:
        with first.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [lock.IMPORT_LOCK])
        with pytest.raises(CommandError, match="Another import is writing"):
            run_import(catalog_file(tmp_path))
    finally:
        first.close()

    assert not Film.objects.exists()
    assert run_import(catalog_file(tmp_path)).count("Imported 60 films") == 1  # once it ended


def test_migrate_first_builds_those_a_stopped_import_left(tmp_path):
    # A migration that alters one of them would otherwise fail on the missing index.
    run_import(catalog_file(tmp_path))
    before = indexes()
    bulk_load._drop_deferrable_indexes()  # as a first import does, then stopped for good
    out = io.StringIO()

    try:
        call_command("migrate", stdout=out)
        after, still_deferred = indexes(), list(DeferredIndex.objects.all())
    finally:
        bulk_load.build_deferred_indexes()  # whatever happened, the next tests have them

    assert "Built the indexes a stopped import left: " in out.getvalue()
    assert after == before
    assert still_deferred == []


def test_migrate_leaves_them_to_the_import_that_is_running():
    bulk_load._drop_deferrable_indexes()  # as the running import did
    running = connections.create_connection("default")  # its process's, as it were
    out = io.StringIO()
    try:
        with running.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [lock.IMPORT_LOCK])
        call_command("migrate", stdout=out)
        assert DeferredIndex.objects.exists()
        assert "An import is running: it builds the indexes it dropped when it ends." in (
            out.getvalue()
        )
    finally:
        running.close()
        bulk_load.build_deferred_indexes()  # as the import does when it ends
