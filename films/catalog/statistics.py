"""The planner's statistics after a bulk write.

PostgreSQL plans every query from statistics about each table (rows, distinct values,
visible pages). After an import or a build has written millions of rows they describe
empty tables until autovacuum gets round to them (never, where it is turned off), and the
planner picks sequential scans: at 300,000 films the film page took a second. PostgreSQL's
own advice for populating a database is to VACUUM ANALYZE afterwards; ANALYZE refreshes
the statistics, VACUUM marks the pages all-visible so that counts and lookups can be
answered from indexes alone.
"""

from django.db import connection


def refresh_after_bulk_write(models) -> bool:
    """VACUUM ANALYZE the tables of `models` (and of their many-to-many tables) on
    PostgreSQL. Returns whether it ran: VACUUM cannot run inside a transaction (a
    test's), and SQLite has nothing to refresh that matters here."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    tables = []
    for model in models:
        tables.append(model._meta.db_table)
        tables += [
            field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many
        ]
    with connection.cursor() as cursor:
        for table in dict.fromkeys(tables):
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    return True
