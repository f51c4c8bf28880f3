"""Film.renown (films.catalog.ratings.renown) ranks the films a search finds alike, in place
of their number of ratings; the prefix indexes of 0006 hold it instead."""

import math

from django.db import migrations, models

OLD_POPULARITY, NEW_POPULARITY = "rating_count", "renown"
FILM_PREFIX_INDEXES = [
    ("film_search_title_prefix", "search_title"),
    ("film_search_original_prefix", "search_original_title"),
]


def set_renown(apps, schema_editor):
    Film = apps.get_model("films", "Film")
    if schema_editor.connection.vendor == "postgresql":
        # One statement for 300,000 films.
        schema_editor.execute(
            "UPDATE films_film SET renown = rating_rank * ln(1 + rating_count) "
            "WHERE rating_count > 0"
        )
        return
    films = list(Film.objects.filter(rating_count__gt=0).only("rating_rank", "rating_count"))
    for film in films:
        film.renown = film.rating_rank * math.log1p(film.rating_count)
    Film.objects.bulk_update(films, ["renown"], batch_size=1000)


def index_popularity(popularity):
    def rebuild(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, column in FILM_PREFIX_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
            schema_editor.execute(
                f"CREATE INDEX {name} ON films_film "
                f"({column} text_pattern_ops) INCLUDE ({popularity}, id)"
            )

    return rebuild


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0011_catalog_format_2"),
    ]

    operations = [
        migrations.AddField(
            model_name="film",
            name="renown",
            field=models.FloatField(default=0, editable=False),
        ),
        migrations.RunPython(set_renown, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(
            index_popularity(NEW_POPULARITY), index_popularity(OLD_POPULARITY), elidable=False
        ),
    ]
