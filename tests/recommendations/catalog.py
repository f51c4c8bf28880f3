"""Cheap catalog builders for the similar-films tests.

Scores are `weight x ln(films in catalog / films having the feature)`: with a handful of
films nothing rare enough passes MIN_SCORE, so tests pad the catalog with bare films
(no credits, genres or themes), made in one INSERT.
"""

import math

from films.catalog.models import Credit, Film
from recommendations.models import FilmRecommendations
from tests.conftest import make_person


def add_bare_films(n: int, **fields) -> list[Film]:
    start = Film.objects.count()
    fields.setdefault("year", 2000)
    return Film.objects.bulk_create(
        Film(
            title=f"Bare film {start + i}",
            slug="bare-film",
            external_id=f"bare:{start + i}",
            **fields,
        )
        for i in range(n)
    )


def add_films_credited_to(person_name: str, role: int, n: int, **fields) -> list[Film]:
    """n films crediting one person in one role, in two INSERTs."""
    films = add_bare_films(n, **fields)
    person = make_person(person_name)
    Credit.objects.bulk_create(Credit(film=f, person=person, role=role) for f in films)
    return films


def idf(films_having: int) -> float:
    """As the engine computes it, over the whole catalog as it is now."""
    return math.log(Film.objects.count() / films_having)


def suggested_ids(film: Film) -> list[int]:
    return [s["id"] for s in FilmRecommendations.objects.get(film=film).suggestions]


def suggestion(film: Film, suggested: Film) -> dict:
    """The stored suggestion of `suggested` among `film`'s, or None."""
    record = FilmRecommendations.objects.get(film=film)
    return next((s for s in record.suggestions if s["id"] == suggested.id), None)
