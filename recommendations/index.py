"""One film's neighbourhood: the part of the catalog that film's suggestions can come
from, read from the database in a few queries, for rebuilding them right after a curator
edits the film. The engine (`recommendations.engine`) ranks them as a full build would,
with the catalog-wide figures the scores need (`CatalogFigures`).
"""

import numpy as np
from django.db.models import Count, Q

from films.catalog.models import Credit, Film
from recommendations.engine import ArrayIndex, CatalogFigures, FilmColumns
from recommendations.franchises import TitleMates, search_words
from recommendations.kinds import GENRE, THEME
from recommendations.postings import columns
from recommendations.weights import MAX_GENERATOR_FILMS, MAX_TITLE_MATES

# Chunks keep each IN (...) list within every database's limit on parameters.
CHUNK = 900


def neighbourhood(film_id: int) -> tuple[ArrayIndex, int]:
    """An index of the films that `film_id` can be suggested, and the film's row in it."""
    film = Film.objects.values_list("id", "series", "title", "original_title").get(id=film_id)
    _, series, title, original_title = film
    credits = list(Credit.objects.filter(film_id=film_id).values_list("person_id", "role"))
    people = {person for person, _ in credits}
    genres = frozenset(
        Film.genres.through.objects.filter(film_id=film_id).values_list("genre_id", flat=True)
    )
    themes = frozenset(
        Film.themes.through.objects.filter(film_id=film_id).values_list("theme_id", flat=True)
    )

    # Every film of the film's people, in any role: a person's films in every role tell a
    # namesake (weights.NAMESAKE_GAP_YEARS).
    films = {film_id}
    films.update(Credit.objects.filter(person_id__in=people).values_list("film_id", flat=True))
    if series:
        films.update(Film.objects.filter(series=series).values_list("id", flat=True))
    title_mates = _title_mates(title, original_title)
    for _, members in title_mates.groups_of(film_id):
        films.update(members)
    frequencies = {
        GENRE: _frequencies(Film.genres.through, "genre_id", genres),
        THEME: _frequencies(Film.themes.through, "theme_id", themes),
    }
    rare = [theme for theme, n in frequencies[THEME].items() if n <= MAX_GENERATOR_FILMS]
    films.update(
        Film.themes.through.objects.filter(theme_id__in=rare).values_list("film_id", flat=True)
    )
    set_frequencies = {}
    for kind, through, column, mine in (
        (GENRE, Film.genres.through, "genre_id", genres),
        (THEME, Film.themes.through, "theme_id", themes),
    ):
        if not mine:
            continue
        same = _films_with_exactly(through, column, mine)
        set_frequencies[kind] = {mine: len(same)}
        if len(same) <= MAX_GENERATOR_FILMS:
            films.update(same)

    figures = CatalogFigures(
        film_total=Film.objects.count(),
        frequencies=frequencies,
        set_frequencies=set_frequencies,
        counts=_counts(credits, genres, themes, set_frequencies),
    )
    index = _index_of(sorted(films), figures, title_mates)
    return index, index.row_of(film_id)


def _title_mates(title: str, original_title: str) -> TitleMates:
    """The title groups of the catalog around the film, from the titles of every film that
    may be in one of its groups (franchises.search_words): its groups are the full
    build's, whole."""
    condition = Q()
    for word in search_words(title, original_title):
        for column in ("search_title", "search_original_title"):
            condition |= Q(**{f"{column}__startswith": word})
            condition |= Q(**{f"{column}__contains": f" {word}"})
    rows = []
    if condition:  # a title of no word ("$") is in no group
        films = Film.objects.filter(condition).order_by()  # no sort: groups are sorted
        rows = films.values_list("id", "title", "original_title")
    ids, titles, original_titles = list(zip(*rows, strict=True)) or [(), (), ()]
    return TitleMates(ids, titles, original_titles, MAX_TITLE_MATES)


def _frequencies(through, column: str, features) -> dict[int, int]:
    rows = (
        through.objects.filter(**{f"{column}__in": features})
        .values(column)
        .annotate(n=Count("film_id"))
        .values_list(column, "n")
    )
    return dict(rows)


def _films_with_exactly(through, column: str, features: frozenset) -> list[int]:
    """Films having all of these features and no other."""
    return list(
        through.objects.order_by()
        .values("film_id")
        .annotate(
            total=Count(column),
            matching=Count(column, filter=Q(**{f"{column}__in": features})),
        )
        .filter(total=len(features), matching=len(features))
        .values_list("film_id", flat=True)
    )


def _counts(credits, genres, themes, set_frequencies) -> tuple[int, ...]:
    """The film's counts: films sharing an actor, a director, a genre, exactly its genres,
    a theme, exactly its themes (the film itself left out)."""

    def sharing(query) -> int:
        return max(query.values("film_id").distinct().count() - 1, 0)

    def sharing_people(role) -> int:
        people = [person for person, credited in credits if credited == role]
        if not people:
            return 0
        return sharing(Credit.objects.filter(role=role, person_id__in=people))

    def sharing_tags(through, column, mine) -> int:
        return sharing(through.objects.filter(**{f"{column}__in": mine})) if mine else 0

    def same(kind, mine) -> int:
        return set_frequencies[kind][mine] - 1 if mine else 0

    return (
        sharing_people(Credit.Role.ACTOR),
        sharing_people(Credit.Role.DIRECTOR),
        sharing_tags(Film.genres.through, "genre_id", genres),
        same(GENRE, genres),
        sharing_tags(Film.themes.through, "theme_id", themes),
        same(THEME, themes),
    )


def _index_of(film_ids: list[int], figures: CatalogFigures, title_mates) -> ArrayIndex:
    films = FilmColumns()
    credits, genres, themes = [], [], []
    for start in range(0, len(film_ids), CHUNK):
        chunk = film_ids[start : start + CHUNK]
        for row in (
            Film.objects.filter(id__in=chunk).order_by("id").values_list(*FilmColumns.FIELDS)
        ):
            films.add(row)
        credits += Credit.objects.filter(film_id__in=chunk).values_list(
            "film_id", "person_id", "role", "position"
        )
        genres += Film.genres.through.objects.filter(film_id__in=chunk).values_list(
            "film_id", "genre_id"
        )
        themes += Film.themes.through.objects.filter(film_id__in=chunk).values_list(
            "film_id", "theme_id"
        )
    return ArrayIndex(
        films,
        columns(credits, [np.int64, np.int64, np.int8, np.int32]),
        columns(genres, [np.int64, np.int64]),
        columns(themes, [np.int64, np.int64]),
        figures,
        title_mates,
    )
