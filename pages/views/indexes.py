"""Index pages: every genre, decade, country and theme of the catalog with its number of
films, so that a visitor can see what there is before they choose."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from caching import whole_pages
from films.catalog.models import Country, Genre, Theme
from films.catalog.text import searchable
from pages.facets import catalog_counts, catalog_facets, with_film_counts
from pages.views.common import paginate

# Themes can be thousands: a page of them at a time, the most common first.
THEMES_PER_PAGE = 120


def _by_name_here(items) -> list:
    """By their name in the page's language: "Allemagne" before "Belgique" on French pages."""
    return sorted(items, key=lambda item: searchable(str(item)))


def _index(request, *, title, lead, items, canonical_path, page=None):
    entries = [{"name": name, "url": url, "films": films} for name, url, films in items]
    return render(
        request,
        "films/index.html",
        {
            "title": title,
            "lead": lead,
            "entries": entries,
            "page": page,
            "canonical_path": canonical_path,
            "has_themes": catalog_facets().has_themes,
        },
    )


@whole_pages.cached_catalog_page
def genre_index(request):
    genres = _by_name_here(with_film_counts(Genre, catalog_counts().genres))
    return _index(
        request,
        title=_("Genres"),
        lead=_("Every genre of the catalog, with its number of films."),
        items=[(str(g), g.get_absolute_url(), g.film_count) for g in genres],
        canonical_path=reverse("films:genres"),
    )


@whole_pages.cached_catalog_page
def decade_index(request):
    decades = catalog_facets().decades
    return _index(
        request,
        title=_("Decades"),
        lead=_("Films by the decade of their release, from the oldest."),
        items=[
            (
                _("%(decade)ss") % {"decade": start},
                reverse("films:decade", kwargs={"start": start}),
                films,
            )
            for start, films in decades.items()
        ],
        canonical_path=reverse("films:decades"),
    )


@whole_pages.cached_catalog_page
def country_index(request):
    countries = _by_name_here(with_film_counts(Country, catalog_counts().countries))
    return _index(
        request,
        title=_("Countries"),
        lead=_("The countries the films come from, with their number of films."),
        items=[(str(c), c.get_absolute_url(), c.film_count) for c in countries],
        canonical_path=reverse("films:countries"),
    )


@whole_pages.cached_catalog_page
def theme_index(request):
    if not catalog_facets().has_themes:
        raise Http404("No film of the catalog has a theme.")
    themes = (
        Theme.objects.annotate(film_count=Count("films"))
        .filter(film_count__gt=0)
        .order_by("-film_count", "name")
    )
    page = paginate(request, themes, per_page=THEMES_PER_PAGE)
    return _index(
        request,
        title=_("Themes"),
        lead=_("What the films are about, the most common first."),
        items=[(t.name, t.get_absolute_url(), t.film_count) for t in page.object_list],
        canonical_path=reverse("films:themes"),
        page=page,
    )
