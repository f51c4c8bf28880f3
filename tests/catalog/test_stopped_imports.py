"""Imports that heal (issue 22, finding 7): an import stopped on the way, however it
stopped, leaves a CatalogImport unfinished; the next import counts everyone's films again
before anything else, `import_catalog --repair` does so alone, and `migrate` warns until then.
"""

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import checks
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections
from django.db.models import Count
from django.urls import reverse

from films.catalog.importing import bulk_load, lock
from films.catalog.importing.runs import correct_every_film_count
from films.catalog.importing.writer import CatalogWriter
from films.catalog.models import CatalogImport, Person


def write(tmp_path, *lines, name="catalog.jsonl") -> str:
    path = tmp_path / name
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return str(path)


def film(number, **fields):
    return {"id": f"test:film-{number}", "title": f"Film {number}", **fields}


def run_import(*args, **options) -> str:
    out = io.StringIO()
    call_command("import_catalog", *args, stdout=out, stderr=out, **options)
    return out.getvalue()


def counted() -> dict[str, int]:
    return dict(Person.objects.values_list("name", "film_count"))


def credited() -> dict[str, int]:
    """The count by its definition: distinct films among the person's credits."""
    people = Person.objects.annotate(n=Count("credits__film", distinct=True))
    return dict(people.values_list("name", "n"))


def stopped_on_the_way(tmp_path) -> CatalogImport:
    """The state an import killed after its first batch leaves: its people counted with the
    whole catalog's films, and its CatalogImport unfinished."""
    run_import(write(tmp_path, film(1, cast=["Piccoli", "Varda"]), name="first.jsonl"))
    Person.objects.filter(name="Piccoli").update(film_count=221)
    return CatalogImport.objects.create(source="/data/big.jsonl", films_to_write=300)


def warnings() -> list[str]:
    messages = checks.run_checks(databases=["default"])
    return [f"{m.msg} {m.hint}" for m in messages if m.id == "films.W001"]


# --- What an import writes down ---------------------------------------------------------


def test_an_import_is_written_down_and_marked_finished(db, tmp_path):
    path = write(tmp_path, film(1), film(2), film(3))

    run_import(path, batch_size=2)

    (run,) = CatalogImport.objects.all()
    assert run.source == str(tmp_path / "catalog.jsonl")
    assert (run.films_to_write, run.films_written) == (3, 3)
    assert run.finished_at is not None and run.outcome == "finished"


def test_an_import_that_fails_counts_its_people_again_before_it_gives_up(db, tmp_path, monkeypatch):
    write_batch = CatalogWriter.write_batch

    def fail_on_the_second_batch(self, records):
        if records[0].external_id == "test:film-2":
            raise DatabaseError("the server went away")
        return write_batch(self, records)

    monkeypatch.setattr(CatalogWriter, "write_batch", fail_on_the_second_batch)
    path = write(tmp_path, film(1, cast=["Piccoli"]), film(2, cast=["Piccoli", "Varda"]))

    with pytest.raises(DatabaseError):
        run_import(path, batch_size=1)

    assert counted() == credited() == {"Piccoli": 1}
    (run,) = CatalogImport.objects.all()
    assert run.films_written == 1 and run.finished_at is None
    assert run.outcome == "stopped, counts repaired"
    assert warnings() == []  # nothing left to repair


# --- The repair -------------------------------------------------------------------------


def test_the_next_import_repairs_the_counts_a_stopped_one_left_before_it_writes(db, tmp_path):
    stopped = stopped_on_the_way(tmp_path)
    assert counted() != credited()

    out = run_import(write(tmp_path, film(2, cast=["Deneuve"]), name="next.jsonl"))

    assert counted() == credited() == {"Piccoli": 1, "Varda": 1, "Deneuve": 1}
    assert "An import of /data/big.jsonl started at " in out
    assert "stopped after 0 of 300 films." in out
    assert "Counted every person's films again: 1 count(s) corrected." in out
    stopped.refresh_from_db()
    assert stopped.counts_repaired_at is not None and stopped.finished_at is None


def test_importing_the_same_file_again_finishes_the_stopped_import_and_repairs_at_its_end(
    db, tmp_path
):
    path = write(tmp_path, film(1, cast=["Piccoli", "Varda"]), film(2, cast=["Piccoli"]))
    # As the import of the file killed after its first film leaves it: Piccoli created with
    # the whole file's 2 films, but credited on 1.
    run_import(write(tmp_path, film(1, cast=["Piccoli", "Varda"]), name="part.jsonl"))
    Person.objects.filter(name="Piccoli").update(film_count=2)
    stopped = CatalogImport.objects.get()
    CatalogImport.objects.update(source=path, finished_at=None, films_to_write=2)

    out = run_import(path)

    assert "stopped after 1 of 2 films. This one finishes it, then counts every person's" in out
    assert "Counted every person's films again" not in out  # not before it as well
    assert counted() == credited() == {"Piccoli": 2, "Varda": 1}
    stopped.refresh_from_db()
    assert stopped.counts_repaired_at is not None
    assert warnings() == []


def test_the_same_file_with_a_bad_line_repairs_all_the_same(db, tmp_path):
    path = write(tmp_path, film(1, cast=["Varda"]), film(2, year="1995"))
    stopped_on_the_way(tmp_path)
    CatalogImport.objects.filter(finished_at=None).update(source=path)

    with pytest.raises(CommandError, match="1 invalid line"):
        run_import(path)

    assert counted() == credited() == {"Piccoli": 1, "Varda": 1}
    assert warnings() == []


def test_repair_alone_counts_everyone_again_and_imports_nothing(db, tmp_path):
    stopped_on_the_way(tmp_path)

    out = run_import(repair=True)

    assert counted() == credited() == {"Piccoli": 1, "Varda": 1}
    assert "1 count(s) corrected." in out
    assert CatalogImport.objects.count() == 2  # no new import
    assert not CatalogImport.objects.left_unfinished().exists()


def test_repair_without_a_stopped_import_still_counts_everyone_again(db, tmp_path):
    # Counts left wrong before imports were written down, or by hand.
    run_import(write(tmp_path, film(1, cast=["Piccoli"])))
    Person.objects.update(film_count=7)

    out = run_import(repair=True)

    assert counted() == credited() == {"Piccoli": 1}
    assert "Counted every person's films again: 1 count(s) corrected." in out


def test_a_catalog_file_or_repair_is_asked_for(db):
    with pytest.raises(CommandError, match="Name a catalog file"):
        run_import()
    with pytest.raises(CommandError, match="or --repair alone"):
        run_import("catalog.jsonl", repair=True)


def test_the_recount_writes_only_the_counts_that_are_wrong(db, tmp_path):
    run_import(
        write(
            tmp_path,
            film(1, directors=["Varda"], cast=["Varda", "Piccoli"]),
            film(2, cast=["Piccoli", "Deneuve"]),
            film(3, cast=["Piccoli"]),
        )
    )
    Person.objects.create(name="Nobody", film_count=4)  # credited on no film
    Person.objects.filter(name="Piccoli").update(film_count=1)  # behind
    Person.objects.filter(name="Deneuve").update(film_count=9)  # ahead

    assert correct_every_film_count() == 3

    assert counted() == credited() == {"Varda": 1, "Piccoli": 3, "Deneuve": 1, "Nobody": 0}
    assert correct_every_film_count() == 0


# --- What tells an operator -------------------------------------------------------------


def test_migrate_warns_of_a_stopped_import_and_names_the_command_that_repairs(db, tmp_path):
    stopped_on_the_way(tmp_path)

    (warning,) = warnings()

    assert "An import of /data/big.jsonl started at " in warning
    assert "stopped after 0 of 300 films without finishing" in warning
    assert "python manage.py import_catalog --repair" in warning
    # `check --deploy` in production reads no database: a stopped import does not stop a
    # deployment.
    assert not [m for m in checks.run_checks() if m.id == "films.W001"]

    run_import(repair=True)
    assert warnings() == []


def test_no_warning_after_imports_that_finished(db, tmp_path):
    run_import(write(tmp_path, film(1, cast=["Piccoli"])))

    assert warnings() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the lock of PostgreSQL")
def test_an_import_still_running_is_not_taken_for_a_stopped_one(db, tmp_path):
    stopped_on_the_way(tmp_path)
    running = connections.create_connection("default")  # its process's, as it were
    try:
        with running.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [lock.IMPORT_LOCK])
            assert warnings() == []
            # Let go of at once: a closed connection's lock lasts until the server has
            # ended its session, which a busy machine may not have done yet.
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock.IMPORT_LOCK])
    finally:
        running.close()
    assert len(warnings()) == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the lock file of SQLite")
def test_on_sqlite_a_second_import_at_once_is_refused(db, tmp_path, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "db.sqlite3"))

    with lock.one_import_at_a_time():  # the first
        assert lock.import_running()
        with pytest.raises(CommandError, match="Another import is writing"):
            run_import(write(tmp_path, film(1)))

    assert not lock.import_running()
    assert "Imported 1 films" in run_import(write(tmp_path, film(1)))


def test_the_admin_lists_the_imports_for_reading_only(admin_client, tmp_path):
    stopped_on_the_way(tmp_path)  # after an import that finished

    response = admin_client.get(reverse("admin:films_catalogimport_changelist"))

    assert response.status_code == 200
    assert "/data/big.jsonl" in response.text and "running or stopped" in response.text
    assert str(tmp_path / "first.jsonl") in response.text and ">finished<" in response.text
    assert reverse("admin:films_catalogimport_add") not in response.text


# --- make run: --if-empty ---------------------------------------------------------------


def test_if_empty_imports_again_a_file_whose_import_stopped(db, tmp_path):
    path = write(tmp_path, film(1), film(2))
    # What an import of the file killed after its first film leaves.
    run_import(write(tmp_path, film(1), name="part.jsonl"))
    CatalogImport.objects.update(source=str(tmp_path / "catalog.jsonl"), finished_at=None)

    out = run_import(path, if_empty=True)

    assert "The last import of " in out and "stopped: importing it again." in out
    assert "Imported 2 films" in out
    # Once finished, --if-empty leaves the catalog alone again.
    assert "nothing imported" in run_import(path, if_empty=True)


def test_if_empty_leaves_alone_a_catalog_whose_last_import_of_another_file_stopped(db, tmp_path):
    stopped_on_the_way(tmp_path)

    out = run_import(write(tmp_path, film(2)), if_empty=True)

    assert "The catalog already has films; nothing imported." in out
    assert counted() == credited()  # repaired all the same


# --- Killed for real --------------------------------------------------------------------

WRONG_COUNTS = """
    SELECT count(*) FROM films_person AS p
    WHERE film_count <> (SELECT count(DISTINCT film_id) FROM films_credit WHERE person_id = p.id)
"""


class SharedDatabase:
    """The test's database, where a `manage.py` process can reach it: PostgreSQL's test
    database itself; on SQLite (in memory for the tests) a file copied from it."""

    def __init__(self, tmp_path):
        if connection.vendor == "postgresql":
            db = connection.settings_dict
            user = db["USER"] + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
            self.url = f"postgres://{user}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            self.file = None
        else:
            self.file = tmp_path / "db.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(self.file)])
            self.url = f"sqlite:///{self.file}"

    def query(self, sql: str) -> list[tuple]:
        if self.file is None:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        with closing(sqlite3.connect(self.file, timeout=20)) as db:
            return db.execute(sql).fetchall()

    def manage(self, *args: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "filmsite.settings",
        }
        env.pop("REDIS_URL", None)  # the test's own cache: local memory
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.02)


def a_catalog_where_people_come_back(films: int) -> list[dict]:
    """Every film credits people of many other films: a star, and actors who come back."""
    return [
        film(
            n, directors=[f"Director {n % 40}"], cast=["Star", f"Actor {n % 97}", f"Actor {n % 13}"]
        )
        for n in range(films)
    ]


@pytest.mark.django_db(transaction=True)  # committed, for the other processes to see
def test_an_import_killed_midway_is_repaired_at_the_next_start(tmp_path):
    catalog = write(tmp_path, *a_catalog_where_people_come_back(2000))
    database = SharedDatabase(tmp_path)
    written = "SELECT films_written FROM films_catalogimport"

    importing = database.manage("import_catalog", catalog, "--batch-size", "20")
    try:
        wait_for(lambda: database.query(written) and database.query(written)[0][0] >= 100, "films")
        importing.send_signal(signal.SIGKILL)
        importing.wait(timeout=10)
        assert importing.returncode == -signal.SIGKILL, importing.stdout.read()
        # The lock goes with the process: PostgreSQL notices its connection closed.
        wait_for(lambda: not lock.import_running(), "the killed import's lock")

        # Some batches committed, the import marked as not finished, counts wrong: people
        # it created count the whole catalog's films.
        (films_written, finished), *_ = database.query(
            "SELECT films_written, finished_at FROM films_catalogimport"
        )
        assert 100 <= films_written < 2000 and finished is None
        assert database.query("SELECT count(*) FROM films_film") == [(films_written,)]
        assert database.query(WRONG_COUNTS)[0][0] > 50

        # The next start, of another catalog, repairs before it writes.
        other = write(tmp_path, {"id": "test:other", "title": "Other"}, name="other.jsonl")
        next_import = database.manage("import_catalog", other)
        out, _ = next_import.communicate(timeout=120)
        assert next_import.returncode == 0, out
    finally:
        if importing.poll() is None:
            importing.kill()
        if connection.vendor == "postgresql":
            bulk_load.build_deferred_indexes()  # whatever happened, the next tests have them

    assert f"stopped after {films_written:,} of 2,000 films." in out
    assert "Counted every person's films again: " in out
    if connection.vendor == "postgresql":  # a first import, which went without some indexes
        assert "Built the indexes a stopped import left: " in out
    assert database.query(WRONG_COUNTS) == [(0,)]
    assert database.query("SELECT count(*) FROM films_catalogimport WHERE finished_at IS NULL") == [
        (1,)
    ]
    assert database.query(
        "SELECT count(*) FROM films_catalogimport WHERE counts_repaired_at IS NOT NULL"
    ) == [(1,)]
