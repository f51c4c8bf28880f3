"""The benchmark's questions to its database, asked in a process of its own (so that the
benchmark itself never connects Django to any database): python -m bench.probe state,
python -m bench.probe paths SEED DIRECTORY, or python -m bench.probe read. Prints JSON."""

import json
import os
import sys
from pathlib import Path


def state() -> dict:
    from django.contrib.auth import get_user_model

    from bench.synthetic import SOURCE
    from films.catalog.models import Film
    from recommendations.models import FilmRecommendations

    real = Film.objects.exclude(source=SOURCE)
    return {
        "films": Film.objects.count(),
        "real_films": real.count(),
        "real_example": real.values_list("external_id", flat=True).first(),
        "users": get_user_model().objects.count(),
        "built": FilmRecommendations.objects.count(),
    }


def paths(seed: int, directory: Path) -> dict:
    """Writes each page kind's paths to DIRECTORY/KIND.txt (and the Cookie header of a kind
    asked for by a visitor to DIRECTORY/KIND.cookie); {kind: number of paths, or None when
    the page does not exist}."""
    from bench.pages import KINDS, Sample, paths_of, visitor_cookie

    sample = Sample(seed=seed)
    found = {}
    for kind in KINDS:
        listed = paths_of(kind, sample)
        found[kind.name] = len(listed) if listed else None
        if listed:
            (directory / f"{kind.name}.txt").write_text("\n".join(listed) + "\n")
        if listed and kind.votes:
            (directory / f"{kind.name}.cookie").write_text(visitor_cookie(sample, kind.votes))
    return found


def read_database() -> dict:
    """Reads every table and index of the database once into PostgreSQL's shared buffers
    (pg_prewarm), so that the pages are measured with the database in memory, as on a
    server that has run for a while, whatever the import and the build left in memory
    (seen: 0.8 GB of a 2.5 GB database, and pages twice as slow until it was read back).
    What does not fit in shared_buffers stays in the operating system's cache only as long
    as the system leaves it there (docs/operations.md, PostgreSQL)."""
    import time

    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_database_size(current_database()), "
            "pg_size_bytes(current_setting('shared_buffers'))"
        )
        database, shared_buffers = cursor.fetchone()
    sizes = {
        "database_mb": round(database / 2**20),
        "shared_buffers_mb": round(shared_buffers / 2**20),
    }
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                "SELECT coalesce(sum(pg_prewarm(oid, 'buffer')), 0) * current_setting('block_size')"
                "::bigint FROM pg_class WHERE relkind IN ('r', 'i', 't', 'm') AND relnamespace "
                "IN ('public'::regnamespace, 'pg_toast'::regnamespace)"
            )
            read = cursor.fetchone()[0]
    except DatabaseError as error:  # no pg_prewarm (it comes with PostgreSQL's contrib)
        return {"error": str(error).strip(), **sizes}
    return {"mb": round(read / 2**20), "seconds": round(time.monotonic() - started, 1), **sizes}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filmsite.settings")
    import django

    django.setup()
    if sys.argv[1] == "state":
        print(json.dumps(state()))
    elif sys.argv[1] == "read":
        print(json.dumps(read_database()))
    else:
        print(json.dumps(paths(int(sys.argv[2]), Path(sys.argv[3]))))
