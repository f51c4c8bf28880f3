"""films.sql: the statements pages run on every render, prepared on PostgreSQL and counted
as every other query."""

import pytest
from django.db import connection

from films.sql import fetch_all

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
STATEMENT = "SELECT id, title FROM films_film WHERE id IN (%s, %s) ORDER BY id"


def _prepared() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, parameter_types::text[] FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ["SELECT id, title FROM films_film%"],
        )
        return cursor.fetchall()


def test_it_gives_the_rows_and_is_counted_and_logged_as_a_query(
    film_factory, django_assert_num_queries
):
    heat = film_factory(title="Heat")
    ronin = film_factory(title="Ronin")

    with django_assert_num_queries(2) as queries:
        assert fetch_all(STATEMENT, [ronin.pk, heat.pk]) == [(heat.pk, "Heat"), (ronin.pk, "Ronin")]
        assert fetch_all(STATEMENT, [heat.pk, 0]) == [(heat.pk, "Heat")]

    assert all("FROM films_film WHERE id IN" in q["sql"] for q in queries.captured_queries)


@on_postgresql
def test_it_prepares_a_statement_once_for_ids_of_any_size(db):
    assert _prepared() == []

    fetch_all(STATEMENT, [1, 2])
    # Ids that psycopg would otherwise send as integer rather than smallint.
    fetch_all(STATEMENT, [40_000, 5_000_000_000])

    assert _prepared() == [
        ("SELECT id, title FROM films_film WHERE id IN ($1, $2) ORDER BY id", ["bigint", "bigint"])
    ]


@on_postgresql
def test_django_s_own_queries_are_not_prepared(film_factory):
    film_factory(title="Heat")

    for _ in range(10):  # more than psycopg's prepare_threshold
        list(connection.cursor().execute("SELECT title FROM films_film WHERE id > %s", [0]))

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone() == (0,)
