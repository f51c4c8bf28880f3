import os

from django.db import connection


def test_the_suite_runs_on_the_database_it_was_given(db):
    # CI runs the suite twice; a DATABASE_URL that silently fell back to SQLite would
    # make the PostgreSQL run a second SQLite run.
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
