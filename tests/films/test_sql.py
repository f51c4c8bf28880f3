"""films.sql: the statements pages run on every render, prepared on PostgreSQL and counted
as every other query."""

import pytest
from django.db import connection, connections

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

    with connection.cursor() as cursor:
        for _ in range(10):  # more than psycopg's prepare_threshold
            cursor.execute("SELECT title FROM films_film WHERE id > %s", [0])
            assert cursor.fetchall() == [("Heat",)]

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone() == (0,)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_column_whose_type_a_migration_changed_is_read_again():
    # Changed by another process (a deploy's migrate) after this one prepared the statement:
    # PostgreSQL refuses the plan it kept ("cached plan must not change result type").
    other = connections.create_connection("default")
    statement = "SELECT id, name FROM sql_test_column WHERE id = %s"
    try:
        with other.cursor() as cursor:
            cursor.execute("CREATE TABLE sql_test_column (id bigint, name varchar(10))")
            cursor.execute("INSERT INTO sql_test_column VALUES (1, 'Heat')")
        assert fetch_all(statement, [1]) == [(1, "Heat")]
        with other.cursor() as cursor:
            cursor.execute("ALTER TABLE sql_test_column ALTER COLUMN name TYPE varchar(400)")
            cursor.execute("UPDATE sql_test_column SET name = 'Ronin'")

        assert fetch_all(statement, [1]) == [(1, "Ronin")]
    finally:
        with other.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sql_test_column")
        other.close()


@on_postgresql
def test_without_prepared_statements_it_gives_the_same_rows(film_factory):
    # DATABASE_PREPARED_STATEMENTS=0, behind a pooler that would lose them.
    heat = film_factory(title="Heat")
    connection.ensure_connection()
    as_configured = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None
    try:
        assert fetch_all(STATEMENT, [heat.pk, 0]) == [(heat.pk, "Heat")]
        assert _prepared() == []
    finally:
        connection.connection.prepare_threshold = as_configured
