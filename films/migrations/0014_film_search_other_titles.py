"""Film.search_other_titles: a film's titles in other languages, searchable ("le parrain"
finds The Godfather), with a trigram index as the other title columns have (0003), on
PostgreSQL only, over the films that have such titles: every search of this column says
`<> ''` (pages.search), so that PostgreSQL counts on few rows."""

from django.db import migrations, models

from films.catalog.models import between_bars
from films.catalog.text import searchable

LENGTH = 500


def fill(apps, schema_editor):
    Film = apps.get_model("films", "Film")
    films = []
    for film in Film.objects.exclude(titles={}).only(
        "titles", "search_title", "search_original_title"
    ).iterator(chunk_size=2000):
        others = {searchable(title)[:LENGTH].rstrip() for title in film.titles.values()}
        others -= {film.search_title, film.search_original_title}
        film.search_other_titles = between_bars(sorted(others), LENGTH)
        films.append(film)
    Film.objects.bulk_update(films, ["search_other_titles"], batch_size=1000)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS film_search_other_trgm ON films_film "
        "USING gin (search_other_titles gin_trgm_ops) WHERE search_other_titles <> ''"
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS film_search_other_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0013_watchlist"),
    ]

    operations = [
        migrations.AddField(
            model_name="film",
            name="search_other_titles",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
