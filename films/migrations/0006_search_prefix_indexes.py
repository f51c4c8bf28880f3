"""Indexes that give the titles and names starting with a search, in order, with their
popularity and id (films.search._starting_with): PostgreSQL ranks those matches without
reading a film or person row. PostgreSQL only, as the trigram indexes of 0003: the demo
catalog on SQLite needs neither."""

from django.db import migrations

PREFIX_INDEXES = [
    ("film_search_title_prefix", "films_film", "search_title", "rating_count"),
    ("film_search_original_prefix", "films_film", "search_original_title", "rating_count"),
    ("person_search_name_prefix", "films_person", "search_name", "film_count"),
]


def create_prefix_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column, popularity in PREFIX_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"({column} text_pattern_ops) INCLUDE ({popularity}, id)"
        )


def drop_prefix_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_ in PREFIX_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0005_fewer_indexes_to_write"),
    ]

    operations = [
        migrations.RunPython(create_prefix_indexes, drop_prefix_indexes, elidable=False),
    ]
