from django.db.models import Count, F, Max
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language

from caching import fragments, whole_pages
from caching.fragments import fragment_key
from films.catalog.models import Film
from films.catalog.relations import load_relations
from pages.cards import add_card_bodies
from pages.filters import SimilarFilmFilter
from pages.sentences import ReasonPhrases, film_summary, similar_counts
from pages.templatetags.seo import meta_description
from pages.views.common import paginate, querystring_without_page
from pages.views.community import film_page_context
from recommendations.services import (
    load_similar,
    similar_as_json,
    similar_from,
    stored_recommendations,
)

SIMILAR_ON_FILM_PAGE = 10
CAST_SHOWN = 8
SERIES_FILMS_SHOWN = 30


def film_by_id(request, pk):
    film = get_object_or_404(Film.objects.only("id", "slug"), pk=pk)
    return redirect(film, permanent=True)


def _film_or_redirect(request, slug, pk):
    """The film whose id is in the URL, with its stored suggestions (one query), or a 301
    to its canonical URL when the slug is wrong or old (titles change; ids do not)."""
    film = get_object_or_404(Film.objects.select_related("recommendations"), pk=pk)
    if film.slug != slug:
        canonical = film.get_absolute_url()
        suffix = request.path.split(f"-{pk}/", 1)[-1]
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return None, redirect(canonical + suffix + query, permanent=True)
    return film, None


@whole_pages.cached_film_page
def film_detail(request, slug, pk):
    # Queries, with both cached parts fresh: the film with its recommendations row, the
    # films it suggests (their updated_at keys the cache), the newest public comments with
    # their total; for a visitor who has voted or commented before, their own vote; for a
    # film of a series, what keys its list of the series.
    # A miss adds the film's genres, themes, countries, languages and credits (one query,
    # films.catalog.relations), and the facts of the suggested films' cards not cached
    # (pages.cards).
    film, redirection = _film_or_redirect(request, slug, pk)
    if redirection:
        return redirection
    record = stored_recommendations(film)
    shown_ids = [s["id"] for s in record.suggestions[:SIMILAR_ON_FILM_PAGE]] if record else []
    # The suggested films: their updated_at keys the cached section, their rows make its cards.
    rows = Film.objects.order_by().in_bulk(shown_ids)
    shown = [(pk, rows[pk].updated_at) for pk in shown_ids if pk in rows]
    whole_pages.shows_films(request, [film.pk, *rows])
    parts_key = film_parts_key(film, request)
    section_key = similar_section_key(film, record, shown)
    cached = fragments.get_many([parts_key, section_key])
    parts, section = cached.get(parts_key), cached.get(section_key)
    if parts is None or section is None:
        # The film's own relations: its details show them, the reasons name them.
        load_relations(film)
        rendered = {}
        if parts is None:
            parts = rendered[parts_key] = _film_parts(request, film)
        if section is None:
            similar = similar_from(record, limit=SIMILAR_ON_FILM_PAGE, rows=rows)
            add_card_bodies(similar.films)
            section = rendered[section_key] = _similar_section(request, film, similar)
        fragments.set_many(rendered)
    ctx = {
        "film": film,
        "parts": parts,
        "similar_section": section,
        **film_page_context(request, film),
    }
    return render(request, "films/film_detail.html", ctx)


def _series_films(film) -> tuple[list[Film], int]:
    """The films of the film's series in their order (the catalog's, else by year), the
    first SERIES_FILMS_SHOWN of them, and how many more there are."""
    if not film.series:
        return [], 0
    films = list(
        Film.objects.filter(series=film.series)
        .order_by(F("series_ordinal").asc(nulls_last=True), F("year").asc(nulls_last=True), "id")
        .only("id", "slug", "title", "titles", "year", "series_ordinal")[: SERIES_FILMS_SHOWN + 1]
    )
    if len(films) <= SERIES_FILMS_SHOWN:
        return films, 0
    more = Film.objects.filter(series=film.series).count() - SERIES_FILMS_SHOWN
    return films[:SERIES_FILMS_SHOWN], more


def _film_parts(request, film) -> dict:
    summary = film_summary(film)
    cast = film.cast
    series_films, series_more = _series_films(film)
    ctx = {
        "film": film,
        "series_films": series_films,
        "series_more": series_more,
        "summary": summary,
        "meta_description": meta_description(film.synopsis or summary),
        # The first of the cast in sight, the others a click away: the similar films
        # come before them.
        "cast_first": cast[:CAST_SHOWN],
        "cast_rest": cast[CAST_SHOWN:],
    }
    return {
        "summary": summary,
        "description": ctx["meta_description"],
        "meta": render_to_string("includes/film_meta.html", ctx, request),
        "facts": render_to_string("includes/film_facts.html", ctx, request),
        "cast": render_to_string("includes/film_cast.html", ctx, request),
    }


def _phrase_reasons(film, suggestions) -> None:
    """Give each suggested film its `reason_phrases`, named from the film's relations."""
    phrases = ReasonPhrases(film)
    for suggested in suggestions:
        suggested.reason_phrases = phrases(suggested.reasons)


def _similar_section(request, film, similar) -> str:
    _phrase_reasons(film, similar.films)
    ctx = {
        "film": film,
        "similar": similar,
        "counts_sentence": similar_counts(film, similar.record) if similar.built else "",
    }
    return render_to_string("includes/similar_section.html", ctx, request)


@whole_pages.cached_film_page
def film_similar(request, slug, pk):
    film, redirection = _film_or_redirect(request, slug, pk)
    if redirection:
        return redirection
    similar = load_similar(film)
    order = {suggested.id: rank for rank, suggested in enumerate(similar.films)}
    filterset = SimilarFilmFilter(request.GET, queryset=Film.objects.filter(id__in=order))
    if filterset.is_valid():
        matching = sorted(filterset.qs.values_list("id", flat=True), key=order.__getitem__)
    else:
        matching = []
    page = paginate(request, matching)
    by_id = {f.id: f for f in similar.films}
    page.object_list = [by_id[i] for i in page.object_list]
    add_card_bodies(page.object_list)
    load_relations(film)  # the reasons name them
    whole_pages.shows_films(request, [suggested.id for suggested in page.object_list])
    _phrase_reasons(film, page.object_list)
    ctx = {
        "film": film,
        "similar": similar,
        "filter": filterset,
        "page": page,
        "matching_count": len(matching),
        "counts_sentence": similar_counts(film, similar.record) if similar.built else "",
        "querystring": querystring_without_page(request),
    }
    return render(request, "films/film_similar.html", ctx)


def film_similar_json(request, slug, pk):
    film, redirection = _film_or_redirect(request, slug, pk)
    if redirection:
        return redirection
    similar = load_similar(film)
    load_relations(film)
    return JsonResponse(similar_as_json(film, similar), json_dumps_params={"ensure_ascii": False})


def film_parts_key(film, request) -> str:
    """The parts of a film's page that show the film alone: its details, cast, summary
    and metadata (everything but the visitor's forms and the comments). The metadata
    holds absolute URLs: the host and scheme are part of the key."""
    parts = [str(film.pk), film.updated_at.isoformat(), get_language() or ""]
    parts += [request.scheme, request.get_host()]
    if film.series:
        # The films of its series are listed with it: any of them changing, joining or
        # leaving changes the key (one query, on the series' index).
        series = Film.objects.filter(series=film.series).aggregate(
            latest=Max("updated_at"), films=Count("id")
        )
        parts += [series["latest"].isoformat(), str(series["films"])]
    return fragment_key("film-parts", parts)


def similar_section_key(film, record, shown: list[tuple]) -> str:
    """The film's similar section: `record` is its FilmRecommendations (or None), `shown`
    the (id, updated_at) of the suggested films it lists, in order."""
    parts = [
        str(film.pk),
        film.updated_at.isoformat(),
        record.built_at.isoformat() if record else "unbuilt",
        get_language() or "",
    ]
    parts += [f"{pk}@{updated_at.isoformat()}" for pk, updated_at in shown]
    return fragment_key("similar-section", parts)
