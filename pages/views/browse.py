"""Lists of films: by genre, theme, country, decade, and the browse page's filters."""

import re

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from caching import whole_pages
from films.catalog.models import Film, Genre, Theme
from pages.cards import add_card_bodies
from pages.facets import catalog_facets
from pages.filters import SORT_CHOICES, SORTS, BrowseFilter, countries_with_films
from pages.views.common import chosen_sort, paginate, querystring_without_page


def _film_list(request, films, *, title, canonical_path, lead="", **extra):
    """A paginated, sortable list of film cards. An unknown sort falls back to rating.

    canonical_path: the list's own URL, for its canonical link (the URL asked for can
    differ: /decade/01990s/ is the 1990s too)."""
    order = chosen_sort(request, SORT_CHOICES, "rating")
    page = paginate(request, films.order_by(*SORTS[order["sort"]]))
    page.object_list = list(page.object_list)
    add_card_bodies(page.object_list)
    ctx = {
        "title": title,
        "lead": lead,
        "page": page,
        **order,
        "querystring": querystring_without_page(request),
        "canonical_path": canonical_path,
        **extra,
    }
    return render(request, "films/film_list.html", ctx)


@whole_pages.cached_list
def genre_detail(request, slug):
    genre = get_object_or_404(Genre, slug=slug)
    return _film_list(
        request,
        genre.films.all(),
        title=_("%(genre)s films") % {"genre": genre},
        canonical_path=genre.get_absolute_url(),
        kind="genre",
    )


@whole_pages.cached_list
def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    return _film_list(
        request,
        theme.films.all(),
        title=_("Films about %(theme)s") % {"theme": theme.name},
        canonical_path=theme.get_absolute_url(),
        kind="theme",
    )


@whole_pages.cached_list
def country_detail(request, code):
    if not re.fullmatch(r"[a-z]{2}|[a-z]{4}", code):
        raise Http404("A country is its ISO code in lower case: /country/fr/.")
    country = get_object_or_404(countries_with_films(), code=code.upper())
    return _film_list(
        request,
        country.films.all(),
        title=_("Films from %(country)s") % {"country": country},
        canonical_path=country.get_absolute_url(),
    )


@whole_pages.cached_list
def decade_detail(request, start):
    if start not in catalog_facets().decades:
        raise Http404("No film of this decade.")
    films = Film.objects.filter(year__gte=start, year__lt=start + 10)
    return _film_list(
        request,
        films,
        title=_("Films of the %(decade)ss") % {"decade": start},
        canonical_path=reverse("films:decade", kwargs={"start": start}),
    )


@whole_pages.cached_list
def browse(request):
    filterset = BrowseFilter(request.GET or None, queryset=Film.objects.all())
    films = filterset.qs if filterset.is_bound and filterset.is_valid() else None
    if films is None and not filterset.is_bound:
        films = Film.objects.order_by(*SORTS["rating"])
    page = None
    if films is not None:
        page = paginate(request, films)
        page.object_list = list(page.object_list)
        add_card_bodies(page.object_list)
    ctx = {
        "filter": filterset,
        "page": page,
        "querystring": querystring_without_page(request),
    }
    return render(request, "films/browse.html", ctx, status=200)
