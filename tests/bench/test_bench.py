"""make bench (bench/): its page kinds find real pages, it guards its database, it measures
commands, and on PostgreSQL with wrk it runs end to end on a tiny catalog."""

import io
import json
import os
import shutil
import sys
from types import SimpleNamespace

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from bench import run as bench
from bench.pages import KINDS, Sample, paths_of
from bench.synthetic import write_catalog
from recommendations.services import build_all
from tests.conftest import make_film


@pytest.fixture
def tiny_catalog(db, tmp_path):
    path = tmp_path / "catalog.jsonl.gz"
    write_catalog(path, films=60, seed=3)
    call_command("import_catalog", str(path), stdout=io.StringIO())
    build_all()


def test_every_page_kind_requests_pages_that_answer(tiny_catalog, client):
    sample = Sample(seed=1)

    for kind in KINDS:
        paths = paths_of(kind, sample)
        assert paths, kind.name
        for path in paths[:3]:
            assert client.get(path).status_code == 200, path


def test_it_refuses_a_database_holding_real_films_or_users():
    with pytest.raises(bench.BenchError, match="2 films that are not synthetic"):
        bench.refuse_unless_disposable({"real_films": 2, "real_example": "wikidata:Q1"})
    with pytest.raises(bench.BenchError, match="user accounts"):
        bench.refuse_unless_disposable({"real_films": 0, "users": 1})


def test_it_loads_each_worker_with_one_connection_unless_told_otherwise():
    assert bench.parse_args([]).connections == 2
    assert bench.parse_args(["--workers", "3"]).connections == 3
    assert bench.parse_args(["--workers", "3", "--connections", "8"]).connections == 8


def test_the_probe_reports_real_films(db):
    from bench.probe import state

    make_film(title="Leaving Las Vegas", source="Wikidata")

    assert state()["real_films"] == 1


def test_it_measures_a_commands_time_and_memory():
    figures = bench.measure(
        [sys.executable, "-c", "import time; x = bytearray(60_000_000); time.sleep(0.8)"],
        dict(os.environ),
    )

    assert figures["seconds"] >= 0.8
    assert figures["largest_process_rss_mb"] >= 60
    assert figures["peak_memory_mb"] >= 50


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("wrk"),
    reason="the benchmark needs PostgreSQL and wrk",
)
def test_the_benchmark_runs_end_to_end_on_a_tiny_catalog(tmp_path, redis_url):
    settings = connection.settings_dict
    login = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    server = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    name = f"{settings['NAME']}_bench"
    args = SimpleNamespace(
        films=40,
        seed=2,
        database_url=f"postgres://{login}@{server}/{name}",
        # Room for a tiny catalog's 36 first visits of each kind on a busy machine.
        duration=4,
        connections=2,
        workers=1,
        reimport=True,
        results=tmp_path,
        output=tmp_path / "latest.json",
        kinds=None,
        redis_url=redis_url,  # emptied first: this test process's own database
    )

    try:
        results = bench.run(args)
    finally:
        with psycopg.connect(f"postgres://{login}@{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')

    measured = {name: page for name, page in results["pages"].items() if not page.get("missing")}
    assert set(measured) == {kind.name for kind in KINDS}
    assert all(page["requests"] > 0 and page["errors"] == 0 for page in measured.values())
    # First visits are renders: each path of those kinds answered once (a tiny catalog's go
    # in well under the duration; of the others, at most those in flight at the end), and
    # their rate is over the time that took, not over the whole duration.
    for kind in KINDS:
        if kind.once:
            page = measured[kind.name]
            assert page["urls"] <= page["requests"] < page["urls"] + args.connections, kind.name
            assert page["seconds"] < args.duration, kind.name
            assert page["rps"] == pytest.approx(page["requests"] / page["seconds"], rel=0.01)
    assert measured["film"]["ratio"] == pytest.approx(
        measured["film"]["rps"] / measured["health"]["rps"], abs=0.001
    )
    assert (results["workers"], results["connections"]) == (1, 2)
    assert results["import"]["seconds"] > 0 and results["build"]["cpu_seconds"] > 0
    # Read ahead of the pages (pg_prewarm, which the test database's superuser may create).
    read = results["database_read"]
    assert read.get("mb", 0) > 0, read
    assert read["mb"] <= read["database_mb"] and read["shared_buffers_mb"] > 0, read
    assert 20 < results["worker_rss_mb"]["max"] < 1000
    state = json.loads((tmp_path / f"state-{name}.json").read_text())
    assert state["films"] == 40
