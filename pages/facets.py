"""What the catalog has, for the filters and the index pages: its decades with their number
of films, and whether any film has a theme. Computed once per version of the catalog (its
surrogate key changes with every import, build and curator's edit) and kept in the cache."""

from dataclasses import dataclass

from django.db.models import Count, F

from caching import fragments, surrogate_keys
from films.catalog.models import Film, Theme


@dataclass(frozen=True)
class Facets:
    decades: dict[int, int]  # first year of the decade -> films, oldest first
    has_themes: bool


def catalog_facets() -> Facets:
    version = surrogate_keys.current_versions([surrogate_keys.CATALOG])[surrogate_keys.CATALOG]
    key = fragments.fragment_key("catalog-facets", [str(version)])
    facets = fragments.get(key)
    if facets is None:
        facets = _count()
        fragments.set(key, facets)
    return facets


def _count() -> Facets:
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
