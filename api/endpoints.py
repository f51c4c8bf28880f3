"""The API's operations: films (filtered as on the browse page), a film with its counts and
similar films, people, genres, themes and search. Read only; docs/api.md describes it.

Each reuses what the pages use: pages.filters.BrowseFilter filters the films,
recommendations.services builds the similar films as similar.json gives them,
pages.search finds films and people, pages.facets counts the genres.
"""

from typing import Any

from csp.decorators import csp_update
from django.db.models import F, prefetch_related_objects
from django.http import Http404, JsonResponse
from django.urls import reverse
from ninja import NinjaAPI, Query
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from api import schemas
from api.serving import error, paginate, served
from caching.surrogate_keys import CATALOG, RATINGS, film_key
from films.catalog.models import Credit, Film, Genre, Person, Theme
from films.catalog.relations import load_relations
from pages.facets import catalog_counts, with_film_counts
from pages.filters import BrowseFilter
from pages.search import search_films, search_people
from recommendations.services import SimilarFilms, load_similar, similar_as_json

# The similar films a film's own answer lists, as its page shows them; /similar/ has all.
SIMILAR_SHOWN = 10


class ReadOnlyAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        # Each operation answers HEAD as well as GET (as every page does), but the document
        # describes GET alone: an operation's id is one per document.
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            operations.pop("head", None)
        return schema


class LocalSwagger(Swagger):
    """Swagger UI from django-ninja's own static files (ninja is in INSTALLED_APPS:
    without it django-ninja would link to a CDN), in a page of the site's
    (api/templates/api/docs.html) with the language and title that ninja's lacks."""

    template = "api/docs.html"


class Renderer(JSONRenderer):
    # Titles and names as they are ("七人の侍"), as similar.json gives them.
    json_dumps_params = {"ensure_ascii": False}


api = ReadOnlyAPI(
    title="filmsite API",
    version="1",
    description=(
        "Films, people, genres, themes and search of the catalog, and each film's similar "
        "films with why, read only. Open to all, without a key: rate-limited per address "
        "(429 with Retry-After), paginated, cached (ETag), and readable from any web page "
        "(CORS). Films and people have two stable ids: `id`, the site's, and "
        "`external_id`, the catalog's. See docs/api.md."
    ),
    urls_namespace="api-v1",
    docs=LocalSwagger(),
    # Swagger UI's style sheet draws a few icons from data: URLs; the site's policy allows
    # none. Only here, for images alone (the description gets it too: it is JSON, unharmed).
    docs_decorator=csp_update({"img-src": ["data:"]}),
    renderer=Renderer(),
)

ERRORS = {404: schemas.Error, 422: schemas.Error, 429: schemas.Error}


# --- What each answer shows, for the whole-page cache (caching/surrogate_keys.py) -------


def _catalog(**_):
    return [CATALOG]


def _catalog_and_ratings(**_):
    # Ordered by rating, or by renown (ratings), and showing the ratings.
    return [CATALOG, RATINGS]


def _film(film_id, **_):
    # Its rating, and its suggestions, which a rebuild of the film changes.
    return [CATALOG, film_key(film_id)]


def read(path: str, *, shows, response, operation_id: str, summary: str, tags: list[str]):
    """A read operation: GET (and HEAD) at `path`, served by api.serving.served(shows)."""

    def decorator(function):
        function = decorate_view(served(shows))(function)
        return api.api_operation(
            ["GET", "HEAD"],
            path,
            response={200: response, **ERRORS},
            operation_id=operation_id,
            summary=summary,
            tags=tags,
            url_name=operation_id,
        )(function)

    return decorator


# --- Errors: JSON with a message, never a page ----------------------------------------


@api.exception_handler(ValidationError)
def _invalid_parameters(request, exc: ValidationError):
    # Each error's place: ("query", "page_size"), or ("query", "genre", 0) in a list.
    errors = [
        {"parameter": str(e["loc"][1]) if len(e["loc"]) > 1 else None, "message": e["msg"]}
        for e in exc.errors
    ]
    return _unusable(request, errors)


def _unusable(request, errors: list[dict]):
    named = sorted({e["parameter"] for e in errors if e["parameter"]})
    message = "These parameters could not be used: " + ", ".join(named) + "."
    if not named:
        message = "The parameters could not be used together."
    return api.create_response(request, {"message": message, "errors": errors}, status=422)


def _form_errors(request, form):
    """A filter form's errors (pages.filters) as a 422, in the API's shape."""
    errors = [
        {"parameter": None if field == "__all__" else field, "message": e["message"]}
        for field, field_errors in form.errors.get_json_data().items()
        for e in field_errors
    ]
    return _unusable(request, errors)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(request, {"message": str(exc), "errors": []}, status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return api.create_response(request, {"message": str(exc), "errors": []}, status=404)


def not_found(request, *args, **kwargs):
    """Any other address under /api/ (api/urls.py)."""
    docs = reverse("api-v1:openapi-view")
    return error(404, f"No such address in the API: its operations are listed at {docs}.")


def index(request):
    """/api/v1/ itself: where its description and documentation are."""
    return JsonResponse(
        {
            "openapi": request.build_absolute_uri(reverse("api-v1:openapi-json")),
            "docs": request.build_absolute_uri(reverse("api-v1:openapi-view")),
        }
    )


# --- Films ----------------------------------------------------------------------------


@read(
    "/films/",
    shows=_catalog_and_ratings,
    response=schemas.FilmPage,
    operation_id="listFilms",
    summary="Films, filtered and sorted as on the browse page",
    tags=["films"],
)
def films(request, filters: Query[schemas.FilmFilters], paging: Query[schemas.Paging]):
    # Queries: the count and the page, the page's genres; the filters given check their
    # values (genres, themes, country), and the catalog's decades come from the cache.
    # The parameters are typed above for the document; the browse page's own filters read
    # them (pages.filters.BrowseFilter), so that both filter alike.
    filterset = BrowseFilter(request.GET, queryset=Film.objects.all())
    if not filterset.is_valid():
        return _form_errors(request, filterset.form)
    found = filterset.qs
    if filters.theme and "theme" not in filterset.filters:
        found = found.none()  # no film of the catalog has a theme
    page, fields = paginate(request, found, paging)
    prefetch_related_objects(page, "genres")
    return {**fields, "results": [_film_summary(request, film) for film in page]}


@read(
    "/films/{int:film_id}/",
    shows=_film,
    response=schemas.FilmDetail,
    operation_id="getFilm",
    summary="A film, its people, the exact counts of what it shares, and its first similar "
    "films with why",
    tags=["films"],
)
def film(request, film_id: int):
    # Queries: the film with its stored suggestions, its relations (one statement:
    # films.catalog.relations), the suggested films shown.
    film = _film_or_404(film_id)
    load_relations(film)
    # What load_relations() sets, which the model does not declare.
    relations: Any = film
    similar = load_similar(film, limit=SIMILAR_SHOWN)
    described = similar_as_json(film, similar)
    return {
        **_film_summary(request, film, genres=relations.all_genres),
        "release_date": film.release_date,
        "release_date_precision": film.release_date_precision,
        "synopsis": film.synopsis,
        "synopsis_source": film.synopsis_source,
        "synopsis_license": film.synopsis_license,
        "synopsis_url": film.synopsis_url,
        "series": film.series,
        "series_ordinal": film.series_ordinal,
        "themes": [_named(theme) for theme in relations.all_themes],
        "countries": [{"code": c.code, "name": c.name} for c in relations.all_countries],
        "languages": [{"code": lang.code, "name": lang.name} for lang in relations.all_languages],
        "directors": [_person_summary(request, person) for person in film.directors],
        "writers": [_person_summary(request, person) for person in film.writers],
        "cast": [
            {"person": _person_summary(request, credit.person), "character": credit.character}
            for credit in film.cast
        ],
        "cast_in_billing_order": film.cast_in_billing_order,
        "links": film.links,
        "counts": described["counts"],
        "similar": _similar_films(request, similar, described),
    }


@read(
    "/films/{int:film_id}/similar/",
    shows=_film,
    response=schemas.SimilarPage,
    operation_id="listSimilarFilms",
    summary="Every similar film of a film, best first, each with why",
    tags=["films"],
)
def similar(request, film_id: int, paging: Query[schemas.Paging]):
    # Queries: the film with its stored suggestions, the suggested films, the film's
    # relations (which name the reasons).
    film = _film_or_404(film_id)
    every = load_similar(
        film, queryset=Film.objects.only("id", "external_id", "slug", "title", "year")
    )
    page, fields = paginate(request, every.films, paging)
    load_relations(film)
    shown = SimilarFilms(record=every.record, films=page)
    described = similar_as_json(film, shown)
    return {
        **fields,
        "film": film.pk,
        "counts": described["counts"],
        "results": _similar_films(request, shown, described),
    }


def _film_or_404(film_id: int) -> Film:
    film = Film.objects.select_related("recommendations").filter(pk=film_id).first()
    if film is None:
        raise HttpError(404, f"No film has the id {film_id}.")
    return film


def _film_summary(request, film: Film, genres=None) -> dict:
    return {
        "id": film.pk,
        "external_id": film.external_id,
        "title": film.title,
        "original_title": film.original_title,
        "year": film.year,
        "runtime": film.runtime,
        "genres": [_named(genre) for genre in (film.genres.all() if genres is None else genres)],
        "rating": {
            "average": None if film.rating_average is None else float(film.rating_average),
            "count": film.rating_count,
            "votes": film.votes_count,
        },
        "url": request.build_absolute_uri(film.get_absolute_url()),
    }


def _similar_films(request, similar: SimilarFilms, described: dict) -> list[dict]:
    """similar_as_json's suggestions (by the catalog's id), with the site's id and page."""
    return [
        {
            **suggestion,
            "id": film.pk,
            "external_id": suggestion["id"],
            "url": request.build_absolute_uri(film.get_absolute_url()),
        }
        for film, suggestion in zip(similar.films, described["suggestions"], strict=True)
    ]


def _named(genre_or_theme) -> dict:
    return {"slug": genre_or_theme.slug, "name": genre_or_theme.name, "names": genre_or_theme.names}


# --- People ---------------------------------------------------------------------------


ROLES: dict[int, str] = {
    Credit.Role.DIRECTOR: "director",
    Credit.Role.WRITER: "writer",
    Credit.Role.ACTOR: "actor",
}


@read(
    "/people/{int:person_id}/",
    shows=_catalog,
    response=schemas.PersonDetail,
    operation_id="getPerson",
    summary="A person and every film they are credited on",
    tags=["people"],
)
def person(request, person_id: int):
    # Queries: the person, their credits with their films.
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise HttpError(404, f"Nobody has the id {person_id}.")
    credits = (
        Credit.objects.filter(person=person)
        .select_related("film")
        .only(
            "role",
            "character",
            "film__id",
            "film__external_id",
            "film__title",
            "film__slug",
            "film__year",
        )
        # Newest first, as the person's page lists a career.
        .order_by(F("film__year").desc(nulls_last=True), "film__title", "film_id", "role")
    )
    return {
        **_person_summary(request, person),
        "links": person.links,
        "credits": [
            {
                "role": ROLES[credit.role],
                "character": credit.character,
                "film": {
                    "id": credit.film.pk,
                    "external_id": credit.film.external_id,
                    "title": credit.film.title,
                    "year": credit.film.year,
                    "url": request.build_absolute_uri(credit.film.get_absolute_url()),
                },
            }
            for credit in credits
        ],
    }


def _person_summary(request, person: Person) -> dict:
    return {
        "id": person.pk,
        "external_id": person.external_id,
        "name": person.name,
        "film_count": person.film_count,
        "url": request.build_absolute_uri(person.get_absolute_url()),
    }


# --- Genres and themes ----------------------------------------------------------------


@read(
    "/genres/",
    shows=_catalog,
    response=schemas.GenrePage,
    operation_id="listGenres",
    summary="The genres films have, with their number of films, the most first",
    tags=["genres and themes"],
)
def genres(request, paging: Query[schemas.Paging]):
    # Queries: the page's genres; their counts come from the cache (pages.facets), counted
    # once per version of the catalog.
    counts = catalog_counts().genres
    ids, fields = paginate(request, list(counts), paging)
    shown = with_film_counts(Genre, {pk: counts[pk] for pk in ids})
    return {
        **fields,
        "results": [{**_named(genre), "film_count": genre.film_count} for genre in shown],
    }


@read(
    "/themes/",
    shows=_catalog,
    response=schemas.ThemePage,
    operation_id="listThemes",
    summary="The themes films have, with their number of films, the most first",
    tags=["genres and themes"],
)
def themes(request, paging: Query[schemas.Paging]):
    # Queries: the count and the page, as the themes' index page (pages.views.indexes).
    counted = (
        Theme.objects.with_film_count().filter(film_count__gt=0).order_by("-film_count", "name")
    )
    page, fields = paginate(request, counted, paging)
    return {
        **fields,
        "results": [{**_named(theme), "film_count": theme.film_count} for theme in page],
    }


# --- Search ---------------------------------------------------------------------------


@read(
    "/search/films/",
    shows=_catalog_and_ratings,
    response=schemas.FilmPage,
    operation_id="searchFilms",
    summary="Films whose title or original title matches, best first (near spellings when "
    "none does)",
    tags=["search"],
)
def search_for_films(request, query: Query[schemas.SearchQuery], paging: Query[schemas.Paging]):
    # Queries: the count and the page of matches (after a look for any match on
    # PostgreSQL, for near spellings), the page's genres.
    page, fields = paginate(request, search_films(query.q), paging)
    prefetch_related_objects(page, "genres")
    return {**fields, "results": [_film_summary(request, film) for film in page]}


@read(
    "/search/people/",
    shows=_catalog,
    response=schemas.PersonPage,
    operation_id="searchPeople",
    summary="People whose name matches, the best known first (near spellings when none does)",
    tags=["search"],
)
def search_for_people(request, query: Query[schemas.SearchQuery], paging: Query[schemas.Paging]):
    page, fields = paginate(request, search_people(query.q), paging)
    return {**fields, "results": [_person_summary(request, person) for person in page]}
