"""The home page, a place to start from: the ways into the catalog with their counts, the
best rated films, hidden gems, what visitors rate and discuss lately, and a film at random."""

import random

from django.db.models import Max, Min
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from caching import whole_pages
from films.catalog.models import Country, Film, Genre
from films.community.models import Comment, Vote
from pages.cards import add_card_bodies
from pages.facets import catalog_counts, catalog_facets, with_film_counts

FILMS_PER_SHELF = 8
# Genres and countries on the home page, the ones with most films; the index pages list all.
FACETS_SHOWN = 12
NEWEST_COMMENTS = 4
# The newest votes read for "rated lately", in the order of their id (its index).
RECENT_VOTES_READ = 200
# Best rated, on the Bayesian rank: this many ratings at least, so the shelf is not
# a list of films one visitor loved.
BEST_RATED_MIN_RATINGS = 20
# A hidden gem: rated by fewer than the median film, yet this well (of 5).
GEM_MIN_RATINGS = 3
GEM_MIN_AVERAGE = 3.75
# A surprise: a film rated at least this well (of 5), by this many.
SURPRISE_MIN_AVERAGE = 3.5
SURPRISE_MIN_RATINGS = 3


@whole_pages.cached_home_page
def home(request):
    counts = catalog_counts()
    facets = catalog_facets()
    best_rated = list(
        Film.objects.filter(rating_count__gte=BEST_RATED_MIN_RATINGS).order_by(
            "-rating_rank", "id"
        )[:FILMS_PER_SHELF]
    )
    gems = list(
        Film.objects.filter(
            rating_count__gte=GEM_MIN_RATINGS,
            rating_count__lt=counts.median_ratings,
            rating_average__gte=GEM_MIN_AVERAGE,
        )
        .exclude(pk__in=[film.pk for film in best_rated])  # each film on one shelf
        .order_by("-rating_rank", "id")[:FILMS_PER_SHELF]
    )
    add_card_bodies(best_rated + gems)
    ctx = {
        "film_count": counts.films,
        "genres": with_film_counts(Genre, counts.genres, most=FACETS_SHOWN),
        "decades": facets.decades,
        "countries": with_film_counts(Country, counts.countries, most=FACETS_SHOWN),
        "has_themes": facets.has_themes,
        "best_rated": best_rated,
        "gems": gems,
        "rated_lately": _rated_lately(),
        "comments": list(
            Comment.objects.published()
            .newest_first()
            .select_related("film")
            .only(
                "name",
                "body",
                "created_at",
                "film__title",
                "film__titles",
                "film__slug",
                "film__year",
            )[:NEWEST_COMMENTS]
        ),
    }
    return render(request, "films/home.html", ctx)


def _rated_lately() -> list[Film]:
    """The films of the newest votes, newest first, each once."""
    film_ids = Vote.objects.order_by("-id").values_list("film_id", flat=True)
    newest = list(dict.fromkeys(film_ids[:RECENT_VOTES_READ]))[:FILMS_PER_SHELF]
    films = Film.objects.only("title", "titles", "slug", "year").in_bulk(newest)
    return [films[pk] for pk in newest if pk in films]


@never_cache
@require_safe
def surprise(request):
    """A well rated film at random (a 302: the next click gives another)."""
    candidates = Film.objects.filter(
        rating_count__gte=SURPRISE_MIN_RATINGS, rating_average__gte=SURPRISE_MIN_AVERAGE
    )
    if not candidates.exists():
        candidates = Film.objects.all()
    bounds = candidates.aggregate(first=Min("id"), last=Max("id"))
    if bounds["first"] is None:
        return redirect("films:home")
    # The first candidate from a random id on: one index lookup, whatever the catalog.
    start = random.randint(bounds["first"], bounds["last"])  # noqa: S311 - not a secret
    film = candidates.filter(id__gte=start).order_by("id").only("id", "slug").first()
    return redirect(film)
