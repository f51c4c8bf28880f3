"""Hand-written statements that pages run on every render, prepared on PostgreSQL.

Django binds the parameters of its queries on the client, so PostgreSQL plans every
statement afresh. The two statements a film page's first visit runs (films.cards,
films.relations) took longer to plan than to run at 300,000 films: 0.5 and 0.8 ms of
planning against 1.2 and 0.4 of execution. Bound on the server and prepared, each is
planned for its first five runs on a connection, as PostgreSQL does, and then runs with a
plan it keeps. The cards' statement is written for the number of cards a page lacks, and
each such number is a statement of its own.

Only these statements go this way, written for it: Django documents that some of its
ORM queries fail with server-side binding (parameters in SELECT or GROUP BY), and it
turns psycopg's preparation off (prepare_threshold None) for connection poolers in
transaction mode that lose prepared statements (PgBouncer before 1.22, or with
max_prepared_statements = 0, its default before 1.24): filmsite/settings.py turns it on
unless DATABASE_PREPARED_STATEMENTS=0, and then these statements run unprepared.
"""

import functools

from django.db import NotSupportedError, connection


def fetch_all(sql: str, params: list) -> list[tuple]:
    """The rows of `sql`: prepared on PostgreSQL, as Django's cursor runs it elsewhere.
    Either way through Django's cursor wrapper, so the query is counted and logged as
    every other (the pages' query budgets) and its errors are Django's."""
    try:
        return _fetch_all(sql, params)
    except NotSupportedError:
        # "Cached plan must not change result type": a migration changed the type of a
        # column the statement returns, and PostgreSQL refuses the plan it kept. A new
        # connection prepares it afresh. In a transaction, its rollback forgets them.
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            raise
        connection.close()
        return _fetch_all(sql, params)


def _fetch_all(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        # The same wrapper class Django chose for this connection (logging or not).
        with type(cursor)(_preparing_cursor_class()(connection.connection), connection) as kept:
            kept.execute(sql, params)
            return kept.fetchall()


@functools.cache
def _preparing_cursor_class():
    # Loaded only where PostgreSQL is the database, as Django loads its backend.
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg.types.numeric import Int8Dumper

    class PreparingCursor(ServerBindingCursor):
        """Prepares what it runs from the first time: psycopg keeps the prepared
        statements of a connection (the 100 used last) and runs each by its name."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # A statement is prepared for its parameters' types, and psycopg gives each
            # integer the smallest that holds it: ten ids would make a statement of each
            # mix of smallint and integer. Ids are bigint.
            self.adapters.register_dumper(int, Int8Dumper)

        def execute(self, query, params=None, **options):
            return super().execute(query, params, **{**options, "prepare": True})

        def _send_query_prepared(self, name, pgq, **options):
            # What Django logs as the query (last_executed_query) is the cursor's last
            # query, which psycopg 3.3 records when it runs a statement, not a prepared one.
            self._query = pgq
            return super()._send_query_prepared(name, pgq, **options)

    return PreparingCursor
