"""What the catalog has, for the filters, the home page and the index pages: its decades
with their number of films, whether any film has a theme, the number of films of each genre
and country, and how many ratings a film has when it is little known. Computed once per
version of the catalog (its surrogate key changes with every import, build and curator's
edit) and kept in the cache, in two parts: the filters need only the first, the cheaper."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, F

from caching import fragments, surrogate_keys
from films.catalog.models import Country, Film, Genre, Theme

T = TypeVar("T")


@dataclass(frozen=True)
class Facets:
    decades: dict[int, int]  # first year of the decade -> films, oldest first
    has_themes: bool


@dataclass(frozen=True)
class Counts:
    films: int
    genres: dict[int, int]  # genre id -> films, the most first
    countries: dict[int, int]  # country id -> films, the most first
    # The number of ratings of the median rated film: a film with fewer is little known.
    # Counted with the catalog, so it lags the site's votes: near enough for a threshold.
    median_ratings: int


def catalog_facets() -> Facets:
    return _per_catalog_version("catalog-facets", _facets)


def catalog_counts() -> Counts:
    return _per_catalog_version("catalog-counts", _counts)


def _per_catalog_version(kind: str, compute: Callable[[], T]) -> T:
    version = surrogate_keys.current_versions([surrogate_keys.CATALOG])[surrogate_keys.CATALOG]
    key = fragments.fragment_key(kind, [str(version)])
    value = fragments.get(key)
    if value is None:
        value = compute()
        fragments.set(key, value)
    return value


def _facets() -> Facets:
    decades = (
        Film.objects.exclude(year=None)
        .annotate(decade=F("year") / 10 * 10)
        .values_list("decade")
        .annotate(films=Count("id"))
        .order_by("decade")
    )
    return Facets(
        decades=dict(decades),
        has_themes=Theme.objects.filter(films__isnull=False).exists(),
    )


def _counts() -> Counts:
    def films_by(model) -> dict[int, int]:
        counted = model.objects.values_list("pk").annotate(films=Count("films"))
        return dict(counted.filter(films__gt=0).order_by("-films", "pk"))

    rated = Film.objects.filter(rating_count__gt=0).order_by("rating_count")
    total = rated.count()
    median = rated.values_list("rating_count", flat=True)[total // 2] if total else 0
    return Counts(
        films=Film.objects.count(),
        genres=films_by(Genre),
        countries=films_by(Country),
        median_ratings=median,
    )


def with_film_counts(model, counts: dict[int, int], most: int | None = None) -> list:
    """The genres or countries (`model`) of `counts`, those with most films first (the
    `most` first only), each with its `film_count`; one deleted since they were counted is
    left out."""
    shown = list(counts)[:most]
    objects = model.objects.in_bulk(shown)
    found = [objects[pk] for pk in shown if pk in objects]
    for item in found:
        item.film_count = counts[item.pk]
    return found
