"""Building, storing and reading the similar films of the catalog."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from films.models import Credit, Film, Person
from recommendations.engine import FilmFeatures, counts_for, similar_films
from recommendations.index import CatalogIndex, FilmNeighbourhood
from recommendations.models import FilmRecommendations

WRITE_BATCH = 500


def _row(film: FilmFeatures, index, built_at) -> FilmRecommendations:
    counts = counts_for(film, index)
    return FilmRecommendations(
        film_id=film.id,
        actors_count=counts.actors,
        directors_count=counts.directors,
        genres_count=counts.genres,
        same_genres_count=counts.same_genres,
        themes_count=counts.themes,
        same_themes_count=counts.same_themes,
        suggestions=[s.as_json() for s in similar_films(film, index)],
        built_at=built_at,
    )


def _save(rows: list[FilmRecommendations]) -> None:
    FilmRecommendations.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["film"],
        update_fields=[
            "actors_count",
            "directors_count",
            "genres_count",
            "same_genres_count",
            "themes_count",
            "same_themes_count",
            "suggestions",
            "built_at",
        ],
    )


def build_all(*, on_progress: Callable[[int], None] = lambda done: None) -> int:
    """Rebuild every film's suggestions and counts from one snapshot of the catalog."""
    index = CatalogIndex.load()
    built_at = timezone.now()
    batch, done = [], 0
    for film_id in index.film_ids():
        batch.append(_row(index.features(film_id), index, built_at))
        if len(batch) >= WRITE_BATCH:
            _save(batch)
            done += len(batch)
            on_progress(len(batch))
            batch = []
    _save(batch)
    done += len(batch)
    on_progress(len(batch))
    return done


def film_edited(film_id: int, people_before: set[int]) -> None:
    """After a curator's edit: the film's own suggestions and counts now, and the film
    counts of everyone credited before or after. Other films catch up at the next build."""
    people = people_before | set(
        Credit.objects.filter(film_id=film_id).values_list("person_id", flat=True)
    )
    Person.objects.filter(pk__in=people).refresh_film_counts()
    rebuild_film(film_id)


def rebuild_film(film_id: int) -> FilmRecommendations:
    """Rebuild one film's suggestions now (after an edit), reading only what it needs."""
    index = FilmNeighbourhood(film_id)
    row = _row(index.film, index, timezone.now())
    with transaction.atomic():
        _save([row])
    return row


@dataclass
class SimilarFilms:
    """What a page shows: the stored counts and the suggested films, in order."""

    record: FilmRecommendations | None
    films: list  # Film objects with .score and .reasons set

    @property
    def built(self) -> bool:
        return self.record is not None


def load_similar(film: Film, *, limit: int | None = None, queryset=None) -> SimilarFilms:
    """The film's stored suggestions as Film rows (one query for the record, one for the
    films; `queryset` adds the prefetches a page needs)."""
    record = FilmRecommendations.objects.filter(film=film).first()
    if record is None:
        return SimilarFilms(record=None, films=[])
    suggestions = record.suggestions if limit is None else record.suggestions[:limit]
    queryset = queryset if queryset is not None else Film.objects.all()
    by_id = queryset.in_bulk([s["id"] for s in suggestions])
    films = []
    for suggestion in suggestions:
        similar = by_id.get(suggestion["id"])
        if similar is None:  # deleted since the last build
            continue
        similar.score = suggestion["score"]
        similar.reasons = suggestion["reasons"]
        films.append(similar)
    return SimilarFilms(record=record, films=films)


def similar_as_json(film: Film, similar: SimilarFilms) -> dict:
    """The machine-readable similar films of a film (the `similar` command and
    similar.json). `film` must carry its prefetched credits, genres and themes."""
    record = similar.record
    counts = {
        "actors": record.actors_count if record else None,
        "directors": record.directors_count if record else None,
        "genres": record.genres_count if record else None,
        "same_genres": record.same_genres_count if record else None,
        "themes": record.themes_count if record else None,
        "same_themes": record.same_themes_count if record else None,
        "suggestions": record.suggestions_count if record else None,
    }
    names = {
        "people": {credit.person.id: credit.person.name for credit in film.all_credits},
        "genres": {genre.id: genre.name for genre in film.genres.all()},
        "themes": {theme.id: theme.name for theme in film.themes.all()},
    }
    return {
        "id": film.external_id,
        "title": film.title,
        "year": film.year,
        "counts": counts,
        "suggestions": [
            {
                "id": suggested.external_id,
                "title": suggested.title,
                "year": suggested.year,
                "score": suggested.score,
                "reasons": _named_reasons(suggested.reasons, names, film),
            }
            for suggested in similar.films
        ],
    }


def _named_reasons(reasons: dict, names: dict, film: Film) -> dict:
    named = {}
    for key, value in reasons.items():
        if key in ("directors", "writers", "actors"):
            named[key] = [names["people"][i] for i in value if i in names["people"]]
        elif key in ("genres", "themes"):
            named[key] = [names[key][i] for i in value if i in names[key]]
        elif key == "series":
            named[key] = film.series
        else:
            named[key] = value
    return named
