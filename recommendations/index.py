"""Two ways for the engine to read the catalog (see recommendations.engine.Index).

- `CatalogIndex`: the whole catalog in memory, loaded in a few streaming queries, for
  `build_recommendations`. Counts over huge postings ("Drama") use numpy bitmaps and are
  cached per distinct set of genres or themes.
- `FilmNeighbourhood`: only what one film needs, read from the database, for rebuilding
  that film's suggestions right after a curator edits it.
"""

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from django.db.models import Count, Q

from films.models import Credit, Film
from recommendations.engine import (
    ACTOR,
    DIRECTOR,
    GENRE,
    SERIES,
    THEME,
    WRITER,
    FilmFeatures,
)
from recommendations.weights import MAX_GENERATOR_FILMS

ROLE_KINDS = {
    Credit.Role.DIRECTOR: DIRECTOR,
    Credit.Role.WRITER: WRITER,
    Credit.Role.ACTOR: ACTOR,
}
KIND_ROLES = {kind: role for role, kind in ROLE_KINDS.items()}
# Unions smaller than this are counted with Python sets; larger ones with a bitmap.
SMALL_UNION = 4096
STREAM_CHUNK = 20_000


class CatalogIndex:
    def __init__(self, films: dict[int, FilmFeatures], postings: dict[str, dict]):
        self._films = films
        self._postings = postings
        self.film_total = len(films)
        self._sets = {kind: _group_by_set(films.values(), kind) for kind in (GENRE, THEME)}
        self._bitmap = np.zeros(max(films, default=0) + 1, dtype=bool)
        self._arrays = {}
        self._sharing_cache = {}

    @classmethod
    def load(cls) -> "CatalogIndex":
        raw = defaultdict(
            lambda: {
                DIRECTOR: set(),
                WRITER: set(),
                ACTOR: {},
                GENRE: set(),
                THEME: set(),
            }
        )
        postings = {kind: defaultdict(list) for kind in (DIRECTOR, WRITER, ACTOR, GENRE, THEME)}
        postings[SERIES] = defaultdict(list)

        credits = Credit.objects.order_by().values_list("film_id", "person_id", "role", "position")
        for film_id, person_id, role, position in credits.iterator(chunk_size=STREAM_CHUNK):
            kind = ROLE_KINDS[role]
            if kind == ACTOR:
                raw[film_id][ACTOR][person_id] = position
            else:
                raw[film_id][kind].add(person_id)
            postings[kind][person_id].append(film_id)
        for kind, relation in ((GENRE, Film.genres), (THEME, Film.themes)):
            column = f"{relation.field.related_model._meta.model_name}_id"
            rows = relation.through.objects.order_by().values_list("film_id", column)
            for film_id, feature in rows.iterator(chunk_size=STREAM_CHUNK):
                raw[film_id][kind].add(feature)
                postings[kind][feature].append(film_id)

        films = {}
        rows = Film.objects.order_by("id").values_list(
            "id", "series", "cast_in_billing_order", "rating_rank"
        )
        for film_id, series, in_order, rank in rows.iterator(chunk_size=STREAM_CHUNK):
            features = raw.pop(film_id, None) or raw.default_factory()
            films[film_id] = FilmFeatures(
                id=film_id,
                directors=frozenset(features[DIRECTOR]),
                writers=frozenset(features[WRITER]),
                actors=features[ACTOR],
                genres=frozenset(features[GENRE]),
                themes=frozenset(features[THEME]),
                series=series,
                in_billing_order=in_order,
                rating_rank=rank,
            )
            if series:
                postings[SERIES][series].append(film_id)
        return cls(films, postings)

    def film_ids(self) -> list[int]:
        return list(self._films)

    def features(self, film_id: int) -> FilmFeatures:
        return self._films[film_id]

    def films_with(self, kind, feature) -> list[int]:
        return self._postings[kind].get(feature, [])

    def film_frequency(self, kind, feature) -> int:
        # Postings hold each film once per feature: credits are unique per film, role
        # and person, and genres and themes per film.
        return len(self._postings[kind].get(feature, ()))

    def films_with_set(self, kind, features: frozenset) -> list[int]:
        return self._sets[kind].get(features, [])

    def set_frequency(self, kind, features: frozenset) -> int:
        return len(self._sets[kind].get(features, ()))

    def sharing_count(self, kind, features: Iterable) -> int:
        lists = [self._postings[kind].get(f, []) for f in features]
        if sum(map(len, lists)) < SMALL_UNION:
            return len(set().union(*lists))
        key = (kind, frozenset(features))
        if key not in self._sharing_cache:
            arrays = [self._array(kind, f) for f in key[1]]
            for array in arrays:
                self._bitmap[array] = True
            self._sharing_cache[key] = int(np.count_nonzero(self._bitmap))
            for array in arrays:
                self._bitmap[array] = False
        return self._sharing_cache[key]

    def _array(self, kind, feature):
        key = (kind, feature)
        if key not in self._arrays:
            self._arrays[key] = np.array(self._postings[kind].get(feature, []), dtype=np.int64)
        return self._arrays[key]

    def prefetch(self, film_ids) -> None:
        pass


def _group_by_set(films: Iterable[FilmFeatures], kind) -> dict[frozenset, list[int]]:
    groups = defaultdict(list)
    for film in films:
        features = getattr(film, kind)
        if features:
            groups[features].append(film.id)
    return groups


class FilmNeighbourhood:
    """What the engine needs to rank one film, read from the database in a few queries."""

    def __init__(self, film_id: int):
        self.film_total = Film.objects.count()
        self._films: dict[int, FilmFeatures] = {}
        self._load_features([film_id])
        self.film = self._films[film_id]
        self._postings = {kind: {} for kind in (DIRECTOR, WRITER, ACTOR, GENRE, THEME, SERIES)}
        self._load_postings()
        self._sets = {}

    def features(self, film_id):
        return self._films[film_id]

    def films_with(self, kind, feature):
        return self._postings[kind].get(feature, [])

    def film_frequency(self, kind, feature):
        if kind in (GENRE, THEME) and feature not in self._postings[kind]:
            return self._frequencies[kind].get(feature, 0)
        return len(self._postings[kind].get(feature, ()))

    def films_with_set(self, kind, features):
        return self._films_with_set(kind, features)

    def set_frequency(self, kind, features):
        return len(self._films_with_set(kind, features))

    def sharing_count(self, kind, features):
        features = list(features)
        if kind in (DIRECTOR, WRITER, ACTOR):
            query = Credit.objects.filter(role=KIND_ROLES[kind], person_id__in=features)
        else:
            through, column = _through(kind)
            query = through.objects.filter(**{f"{column}__in": features})
        return query.values("film_id").distinct().count()

    def prefetch(self, film_ids):
        self._load_features([i for i in film_ids if i not in self._films])

    def _films_with_set(self, kind, features: frozenset) -> list[int]:
        if features not in self._sets:
            through, column = _through(kind)
            # Films having all of these features and no other.
            films = (
                through.objects.order_by()
                .values("film_id")
                .annotate(
                    total=Count(column),
                    matching=Count(column, filter=Q(**{f"{column}__in": features})),
                )
                .filter(total=len(features), matching=len(features))
                .values_list("film_id", flat=True)
            )
            self._sets[features] = list(films)
        return self._sets[features]

    def _load_postings(self):
        film = self.film
        people = set(film.directors) | set(film.writers) | set(film.actors)
        credits = Credit.objects.filter(person_id__in=people).values_list(
            "person_id", "role", "film_id"
        )
        for person_id, role, film_id in credits:
            kind = ROLE_KINDS[role]
            if person_id in film.features(kind):
                self._postings[kind].setdefault(person_id, []).append(film_id)
        if film.series:
            self._postings[SERIES][film.series] = list(
                Film.objects.filter(series=film.series).values_list("id", flat=True)
            )
        self._frequencies = {}
        for kind in (GENRE, THEME):
            through, column = _through(kind)
            mine = list(film.features(kind))
            rows = (
                through.objects.filter(**{f"{column}__in": mine})
                .values(column)
                .annotate(n=Count("film_id"))
                .values_list(column, "n")
            )
            self._frequencies[kind] = dict(rows)
        # Themes are selective enough to generate candidates when they are rare.
        rare = [t for t, n in self._frequencies[THEME].items() if n <= MAX_GENERATOR_FILMS]
        for theme, film_id in Film.themes.through.objects.filter(theme_id__in=rare).values_list(
            "theme_id", "film_id"
        ):
            self._postings[THEME].setdefault(theme, []).append(film_id)

    def _load_features(self, film_ids: list[int]) -> None:
        # Chunks keep each IN (...) list within every database's limit on parameters.
        film_ids = list(film_ids)
        for start in range(0, len(film_ids), 900):
            self._load_feature_chunk(film_ids[start : start + 900])

    def _load_feature_chunk(self, film_ids: list[int]) -> None:
        rows = Film.objects.filter(id__in=film_ids).values_list(
            "id", "series", "cast_in_billing_order", "rating_rank"
        )
        people = defaultdict(lambda: {DIRECTOR: set(), WRITER: set(), ACTOR: {}})
        for film_id, person_id, role, position in Credit.objects.filter(
            film_id__in=film_ids
        ).values_list("film_id", "person_id", "role", "position"):
            kind = ROLE_KINDS[role]
            if kind == ACTOR:
                people[film_id][ACTOR][person_id] = position
            else:
                people[film_id][kind].add(person_id)
        tags = {GENRE: defaultdict(set), THEME: defaultdict(set)}
        for kind in (GENRE, THEME):
            through, column = _through(kind)
            for film_id, feature in through.objects.filter(film_id__in=film_ids).values_list(
                "film_id", column
            ):
                tags[kind][film_id].add(feature)
        for film_id, series, in_order, rank in rows:
            credits = people[film_id]
            self._films[film_id] = FilmFeatures(
                id=film_id,
                directors=frozenset(credits[DIRECTOR]),
                writers=frozenset(credits[WRITER]),
                actors=credits[ACTOR],
                genres=frozenset(tags[GENRE][film_id]),
                themes=frozenset(tags[THEME][film_id]),
                series=series,
                in_billing_order=in_order,
                rating_rank=rank,
            )


def _through(kind):
    if kind == GENRE:
        return Film.genres.through, "genre_id"
    return Film.themes.through, "theme_id"
