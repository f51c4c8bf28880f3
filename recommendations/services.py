"""Building, storing and reading the similar films of the catalog."""

import json
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.utils import timezone

from films.catalog.models import Credit, Film, Person
from recommendations.engine import ArrayIndex, FilmResult
from recommendations.index import neighbourhood
from recommendations.models import FilmRecommendations
from recommendations.signals import suggestions_changed

WRITE_BATCH = 500
# Films per task of a build in several processes, written in WRITE_BATCH rows at a time.
BUILD_CHUNK = 2000
# Below this a build runs in one process: forking is not worth it.
PARALLEL_FILMS = 20_000


SAVED_FIELDS = [
    "actors_count",
    "directors_count",
    "genres_count",
    "same_genres_count",
    "themes_count",
    "same_themes_count",
    "suggestions",
    "built_at",
]


def _save(rows: list[FilmRecommendations]) -> None:
    if connection.vendor == "postgresql" and len(rows) > 1:
        _save_with_copy(rows)
        return
    FilmRecommendations.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["film"], update_fields=SAVED_FIELDS
    )


def _save_with_copy(rows: list[FilmRecommendations]) -> None:
    """_save on PostgreSQL: COPY into a temporary table, then one upsert from it. Binding
    hundreds of JSON documents as query parameters (bulk_create) spends more time escaping
    them than the build spends ranking."""
    table = connection.ops.quote_name(FilmRecommendations._meta.db_table)
    columns = ["film_id", *(FilmRecommendations._meta.get_field(f).column for f in SAVED_FIELDS)]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in map(connection.ops.quote_name, columns[1:]))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS incoming_recommendations (LIKE {table})"
        )
        # Empty even within an enclosing transaction that has not committed (a test's).
        cursor.execute("TRUNCATE incoming_recommendations")
        with cursor.copy(f"COPY incoming_recommendations ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [
                        row.film_id,
                        *(getattr(row, f) for f in SAVED_FIELDS[:-2]),
                        json.dumps(row.suggestions),
                        row.built_at,
                    ]
                )
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM incoming_recommendations "
            f"ON CONFLICT (film_id) DO UPDATE SET {updates}"
        )


def build_all(
    *, on_progress: Callable[[int], None] = lambda done: None, workers: int | None = None
) -> int:
    """Rebuild every film's suggestions and counts from one snapshot of the catalog, in
    `workers` processes (by default one per CPU for a large catalog)."""
    index = ArrayIndex.load()
    built_at = timezone.now()
    films = index.film_count
    chunks = [(start, min(start + BUILD_CHUNK, films)) for start in range(0, films, BUILD_CHUNK)]
    if workers is None:
        workers = (os.cpu_count() or 1) if films >= PARALLEL_FILMS else 1
    # A forked process must not inherit a transaction (a test's, say) it cannot see.
    if workers > 1 and len(chunks) > 1 and _can_fork() and not connection.in_atomic_block:
        return _build_in_processes(index, chunks, built_at, workers, on_progress)
    done = 0
    for chunk in chunks:
        done += _build_chunk(index, chunk, built_at, on_progress)
    return done


def _build_chunk(index: ArrayIndex, chunk, built_at, on_progress=lambda done: None) -> int:
    start, end = chunk
    for batch_start in range(start, end, WRITE_BATCH):
        batch_end = min(batch_start + WRITE_BATCH, end)
        with transaction.atomic():  # a batch the stored pages cannot be told of is not kept
            _save([_stored(index.result(film), built_at) for film in range(batch_start, batch_end)])
            suggestions_changed.send(sender=FilmRecommendations)
        on_progress(batch_end - batch_start)
    return end - start


def _stored(result: FilmResult, built_at) -> FilmRecommendations:
    return FilmRecommendations(
        film_id=result.film_id,
        actors_count=result.actors,
        directors_count=result.directors,
        genres_count=result.genres,
        same_genres_count=result.same_genres,
        themes_count=result.themes,
        same_themes_count=result.same_themes,
        suggestions=result.suggestions,
        built_at=built_at,
    )


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# What the worker processes of a build read: set before they are forked, so that they
# share the index's arrays with the parent instead of receiving copies.
_forked_build = None


def _build_in_processes(index, chunks, built_at, workers, on_progress) -> int:
    global _forked_build
    _forked_build = (index, built_at)
    done = 0
    try:
        with multiprocessing.get_context("fork").Pool(
            workers, initializer=_forget_inherited_connections
        ) as pool:
            for built in pool.imap_unordered(_build_chunk_in_worker, chunks):
                done += built
                on_progress(built)
            pool.close()
            pool.join()
    finally:
        _forked_build = None
    return done


def _forget_inherited_connections() -> None:
    """In a forked worker: drop the database connections copied from the parent, without
    closing them (closing would end the parent's session on the socket they share), so
    that the worker opens its own. Two processes writing to one socket mix their messages
    (psycopg: "unexpected result COPY_IN from command 'BEGIN'")."""
    for inherited in connections.all(initialized_only=True):
        del connections[inherited.alias]


def _build_chunk_in_worker(chunk) -> int:
    index, built_at = _forked_build
    try:
        return _build_chunk(index, chunk, built_at)
    finally:
        connections.close_all()


def rebuild_after_edit(sender, *, film_id: int, people_before: set[int], **kwargs) -> None:
    """Receiver of films.catalog.signals.film_edited."""
    film_edited(film_id, people_before)


def film_edited(film_id: int, people_before: set[int]) -> None:
    """After a curator's edit: the film's own suggestions and counts now, and the film
    counts of everyone credited before or after. Other films catch up at the next build."""
    people = people_before | set(
        Credit.objects.filter(film_id=film_id).values_list("person_id", flat=True)
    )
    Person.objects.filter(pk__in=people).refresh_film_counts()
    rebuild_film(film_id)
    # Last: this runs after the curator's transaction, and search shows the counts.
    suggestions_changed.send(sender=FilmRecommendations)


def rebuild_film(film_id: int) -> FilmRecommendations:
    """Rebuild one film's suggestions now (after an edit), reading only what it needs."""
    index, film = neighbourhood(film_id)
    row = _stored(index.result(film), timezone.now())
    with transaction.atomic():
        _save([row])
        suggestions_changed.send(sender=FilmRecommendations, film_ids=[film_id])
    return row


@dataclass
class SimilarFilms:
    """What a page shows: the stored counts and the suggested films, in order."""

    record: FilmRecommendations | None
    films: list  # Film objects with .score and .reasons set

    @property
    def built(self) -> bool:
        return self.record is not None


def stored_recommendations(film: Film) -> FilmRecommendations | None:
    """The film's stored suggestions, None before they are built: no query when the film
    was read with select_related("recommendations"). Django keeps the answer on the
    instance, so read the film again after a build to see the new record."""
    try:
        return film.recommendations
    except FilmRecommendations.DoesNotExist:
        return None


def load_similar(film: Film, *, limit: int | None = None, queryset=None) -> SimilarFilms:
    """The film's stored suggestions as Film rows (one query for the films, and one for
    the record unless the film was read with it; `queryset` adds the prefetches a page
    needs)."""
    return similar_from(stored_recommendations(film), limit=limit, queryset=queryset)


def similar_from(
    record: FilmRecommendations | None, *, limit: int | None = None, queryset=None, rows=None
) -> SimilarFilms:
    """load_similar() from a record read already: one query, for the films, none when
    `rows` holds them already (by id)."""
    if record is None:
        return SimilarFilms(record=None, films=[])
    suggestions = record.suggestions if limit is None else record.suggestions[:limit]
    if rows is not None:
        by_id = rows
    else:
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
        "genres": {genre.id: genre.name for genre in film.all_genres},
        "themes": {theme.id: theme.name for theme in film.all_themes},
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
        elif key == "inferred_series":
            named[key] = value
        else:
            named[key] = value
    return named
