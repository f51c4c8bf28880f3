"""The similar-films engine: which films are suggested for a film, in which order, why,
and the counts behind them. It is the only implementation of the ranking (its weights and
rules are in `recommendations.weights`), and both paths use it:

- a full build: `ArrayIndex.load()` holds the whole catalog;
- one film after a curator's edit: `recommendations.index.neighbourhood()` holds only
  the films that film can reach, with the catalog-wide figures its scores need
  (`CatalogFigures`), so that the film gets what a full build would give it.

The catalog is held as compressed sparse rows (a film's people, genres or themes are one
slice of an array, so are a feature's films), and all the candidates of a film are scored
at once: a full build of 300,000 films is some 600 million candidates.

Its parts: the sparse rows in `recommendations.postings`, series (catalog's and inferred from
titles) in `recommendations.series`, namesakes in `recommendations.namesakes`.

Memory: a few arrays of the size of the credits (about 150 MB for 300,000 films), shared
with the worker processes a build forks.
"""

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from films.catalog.models import Credit, Film
from recommendations import weights
from recommendations.franchises import TitleMates
from recommendations.kinds import (
    ACTOR,
    DIRECTOR,
    GENRE,
    NO_YEAR,
    PEOPLE,
    THEME,
    WRITER,
)
from recommendations.namesakes import Namesakes
from recommendations.postings import ExactSets, FeatureKind, columns, distinct, pointers, ranges
from recommendations.series import SeriesLinks, series_reason

# Per kind of set (genres, themes): (weight, cap, exact-set weight, exact-set cap).
SET_WEIGHTS = {
    GENRE: (
        weights.GENRE_WEIGHT,
        weights.GENRE_CAP,
        weights.SAME_GENRES_WEIGHT,
        weights.SAME_GENRES_CAP,
    ),
    THEME: (
        weights.THEME_WEIGHT,
        weights.THEME_CAP,
        weights.SAME_THEMES_WEIGHT,
        weights.SAME_THEMES_CAP,
    ),
}

ROLE_KINDS = {
    Credit.Role.DIRECTOR: DIRECTOR,
    Credit.Role.WRITER: WRITER,
    Credit.Role.ACTOR: ACTOR,
}
STREAM_CHUNK = 50_000


@dataclass(frozen=True)
class FilmResult:
    """What FilmRecommendations stores for one film."""

    film_id: int
    actors: int
    directors: int
    genres: int
    same_genres: int
    themes: int
    same_themes: int
    suggestions: list  # of {"id": film id, "score": float, "reasons": {...}}


@dataclass
class FilmColumns:
    """The films of an index, ids ascending, one list per column."""

    ids: list = field(default_factory=list)
    series: list = field(default_factory=list)
    in_billing_order: list = field(default_factory=list)
    rating_rank: list = field(default_factory=list)
    year: list = field(default_factory=list)
    title: list = field(default_factory=list)
    original_title: list = field(default_factory=list)

    FIELDS = (
        "id",
        "series",
        "cast_in_billing_order",
        "rating_rank",
        "year",
        "title",
        "original_title",
    )

    def add(self, row) -> None:
        for column, value in zip(self.__dataclass_fields__, row, strict=True):
            getattr(self, column).append(value)


@dataclass(frozen=True)
class CatalogFigures:
    """What an index holding part of the catalog must know of the whole of it: how many
    films there are, how many have each of the film's features, how many have exactly
    its genres (or themes), and the film's counts."""

    film_total: int
    frequencies: dict  # kind -> {feature id: films having it}
    set_frequencies: dict  # kind -> {frozenset of feature ids: films having exactly it}
    counts: tuple  # (actors, directors, genres, same genres, themes, same themes)


class ArrayIndex(SeriesLinks, Namesakes):
    def __init__(self, films: FilmColumns, credits, genres, themes, figures=None, title_mates=None):
        """credits: (film id, person id, role, position) arrays; genres, themes: (film id,
        feature id) arrays; figures: a CatalogFigures when this is part of the catalog,
        and title_mates the TitleMates of the catalog around the film."""
        self.figures = figures
        self.ids = np.asarray(films.ids, dtype=np.int64)
        count = self.film_count = len(self.ids)
        total = max(figures.film_total if figures else count, 1)
        self.rating_rank = np.asarray(films.rating_rank, dtype=np.float64)
        self.in_order = np.asarray(films.in_billing_order, dtype=bool)
        self.year = np.array([NO_YEAR if y is None else y for y in films.year], dtype=np.int64)
        self.titles = title_mates or TitleMates(
            films.ids, films.title, films.original_title, weights.MAX_TITLE_MATES
        )

        names = {}
        self.series = np.array(
            [names.setdefault(s, len(names)) if s else -1 for s in films.series], dtype=np.int64
        )
        series_films = np.nonzero(self.series >= 0)[0]
        self._series_order = series_films[np.argsort(self.series[series_films], kind="stable")]
        self._series_ptr = pointers(self.series[series_films], len(names))

        frequencies = figures.frequencies if figures else {}
        film_of, person, role, position = credits
        film_index = np.searchsorted(self.ids, film_of)
        self.kinds = {}
        for role_value, kind in ROLE_KINDS.items():
            mine = role == role_value
            self.kinds[kind] = FeatureKind(
                count, film_index[mine], person[mine], total, frequencies.get(kind)
            )
        # Billing positions of actor credits, in the order of kinds[ACTOR].film_features,
        # and the factor of each (it depends on the film's billing order).
        actors = self.kinds[ACTOR]
        actor_films = film_index[role == Credit.Role.ACTOR][actors.order]
        actor_positions = position[role == Credit.Role.ACTOR][actors.order]
        # weights.actor_factor for each distinct (position, in billing order).
        pairs = actor_positions.astype(np.int64) * 2 + self.in_order[actor_films]
        distinct, which = np.unique(pairs, return_inverse=True)
        factors = [weights.actor_factor(int(p) // 2, bool(p % 2)) for p in distinct.tolist()]
        self.actor_factor = np.array(factors, dtype=np.float64)[which.reshape(-1)]
        self.actor_position = actor_positions
        self._film_factor = np.zeros(len(actors.ids), dtype=np.float64)
        self._film_position = np.zeros(len(actors.ids), dtype=np.int64)

        self.sets = {}
        for kind, pairs in ((GENRE, genres), (THEME, themes)):
            film_of, feature = pairs
            postings = self.kinds[kind] = FeatureKind(
                count, np.searchsorted(self.ids, film_of), feature, total, frequencies.get(kind)
            )
            set_frequencies = {
                tuple(np.searchsorted(postings.ids, sorted(ids)).tolist()): n
                for ids, n in (figures.set_frequencies.get(kind, {}) if figures else {}).items()
            }
            self.sets[kind] = ExactSets(postings, count, total, SET_WEIGHTS[kind], set_frequencies)
        self._index_credit_years()
        self._components = {}  # title group -> its franchises (_linked)

    @classmethod
    def load(cls) -> "ArrayIndex":
        """The whole catalog, in a few streaming queries."""
        films = FilmColumns()
        rows = Film.objects.order_by("id").values_list(*FilmColumns.FIELDS)
        for row in rows.iterator(chunk_size=STREAM_CHUNK):
            films.add(row)
        credits = Credit.objects.order_by().values_list("film_id", "person_id", "role", "position")
        credit_rows = columns(
            credits.iterator(chunk_size=STREAM_CHUNK), [np.int64, np.int64, np.int8, np.int32]
        )
        pairs = []
        for relation in (Film.genres, Film.themes):
            column = f"{relation.field.related_model._meta.model_name}_id"
            through = relation.through.objects
            rows = through.order_by().values_list("film_id", column)
            pairs.append(columns(rows.iterator(chunk_size=STREAM_CHUNK), [np.int64, np.int64]))
        return cls(films, credit_rows, *pairs)

    def row_of(self, film_id: int) -> int:
        return int(np.searchsorted(self.ids, film_id))

    # --- One film --------------------------------------------------------------------

    def result(self, film: int) -> FilmResult:
        """Film number `film` (0 to film_count - 1): counts and suggestions."""
        counts = self.figures.counts if self.figures else self._counts(film)
        return FilmResult(int(self.ids[film]), *counts, self._suggestions(film))

    def _counts(self, film: int) -> tuple[int, ...]:
        count = self.film_count
        actors, directors = self.kinds[ACTOR].of(film), self.kinds[DIRECTOR].of(film)
        counts = [
            self.kinds[ACTOR].union_size(actors, count) - 1 if len(actors) else 0,
            self.kinds[DIRECTOR].union_size(directors, count) - 1 if len(directors) else 0,
        ]
        for kind in (GENRE, THEME):
            sets, code = self.sets[kind], int(self.sets[kind].code[film])
            if code < 0:
                counts += [0, 0]
                continue
            features = self.kinds[kind].of(film)
            counts.append(sets.union_size(code, self.kinds[kind], count, features) - 1)
            counts.append(int(sets.frequency[code]) - 1)
        return tuple(counts)

    def _candidates(self, film: int, franchise: dict) -> np.ndarray:
        """Films sharing a selective feature: never a pass over the whole catalog."""
        parts = []
        series = int(self.series[film])
        if series >= 0:
            members = self._series_order[self._series_ptr[series] : self._series_ptr[series + 1]]
            if 1 < len(members) <= weights.MAX_GENERATOR_FILMS:
                parts.append(members)
        if franchise:
            parts.append(np.fromiter(franchise, dtype=np.int64, count=len(franchise)))
        for kind in (DIRECTOR, WRITER, ACTOR, THEME):
            postings = self.kinds[kind]
            features = postings.of(film)
            frequency = postings.frequency[features]
            generating = features[(frequency > 1) & (frequency <= weights.MAX_GENERATOR_FILMS)]
            parts += [postings.films(f) for f in generating.tolist()]
        # Films with exactly the same rare combination of genres (or themes) can pass the
        # minimum on that alone; common combinations cannot, so they are not looked at.
        for kind in (GENRE, THEME):
            sets = self.sets[kind]
            code = int(sets.code[film])
            if code >= 0 and 1 < sets.frequency[code] <= weights.MAX_GENERATOR_FILMS:
                if sets.may_pass[code]:
                    parts.append(sets.films(code))
        if not parts:
            return np.zeros(0, dtype=np.int64)
        candidates = distinct(np.concatenate(parts))
        return candidates[candidates != film]

    def _shared(self, kind: str, film: int, candidates: np.ndarray):
        """(candidate row, feature, position in film_features) of every feature a
        candidate shares with the film."""
        postings = self.kinds[kind]
        mine = postings.of(film)
        if not len(mine):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        starts, ends = postings.feature_ptr[mine], postings.feature_ptr[mine + 1]
        if int((ends - starts).sum()) <= len(candidates) * postings.mean_per_film:
            # From the film's features to their films: a director's or an actor's films
            # are fewer than the candidates' people.
            owners, positions = ranges(starts, ends)
            films = postings.feature_films[positions]
            rows = np.searchsorted(candidates, films)
            found = rows < len(candidates)
            found[found] = candidates[rows[found]] == films[found]
            rows, features = rows[found], mine[owners[found]]
            return rows, features, postings.film_position[positions[found]]
        # From the candidates to their features: "Drama" has more films than the
        # candidates have genres.
        rows, positions = ranges(postings.film_ptr[candidates], postings.film_ptr[candidates + 1])
        features = postings.film_features[positions]
        postings.mark[mine] = True
        shared = postings.mark[features]
        postings.mark[mine] = False
        return rows[shared], features[shared], positions[shared]

    def _suggestions(self, film: int) -> list[dict]:
        franchise = self._franchise(film)
        candidates = self._candidates(film, franchise)
        n = len(candidates)
        if not n:
            return []
        score = np.zeros(n, dtype=np.float64)
        shared = {}
        for kind, weight, cap in (
            (DIRECTOR, weights.DIRECTOR_WEIGHT, weights.DIRECTOR_CAP),
            (WRITER, weights.WRITER_WEIGHT, weights.WRITER_CAP),
        ):
            rows, features, _ = shared[kind] = self._shared(kind, film, candidates)
            if len(rows):
                sums = np.bincount(rows, weights=self.kinds[kind].idf[features], minlength=n)
                has = np.bincount(rows, minlength=n) > 0
                score += np.where(has, np.minimum(cap, weight * sums), 0.0)

        actors = self.kinds[ACTOR]
        rows, features, positions = shared[ACTOR] = self._shared(ACTOR, film, candidates)
        if len(rows):
            mine = actors.of(film)
            own = slice(actors.film_ptr[film], actors.film_ptr[film + 1])
            self._film_factor[mine] = self.actor_factor[own]
            factor = (self._film_factor[features] + self.actor_factor[positions]) / 2
            terms = weights.ACTOR_WEIGHT * factor * actors.idf[features]
            totals = np.bincount(rows, weights=terms, minlength=n)
            has = np.bincount(rows, minlength=n) > 0
            score += np.where(has, np.minimum(weights.ACTOR_CAP, totals), 0.0)

        # What the two films share besides people: a namesake shares nothing else.
        besides_people = np.zeros(n, dtype=np.float64)
        has = {}
        same_set = {}
        for kind in (GENRE, THEME):
            weight, cap, same_weight, same_cap = SET_WEIGHTS[kind]
            rows, features, _ = shared[kind] = self._shared(kind, film, candidates)
            has[kind] = np.bincount(rows, minlength=n) > 0
            same_set[kind] = np.zeros(n, dtype=bool)
            if not len(rows):
                continue
            sums = np.bincount(rows, weights=self.kinds[kind].idf[features], minlength=n)
            besides_people += np.where(has[kind], np.minimum(cap, weight * sums), 0.0)
            sets = self.sets[kind]
            code = int(sets.code[film])
            same = same_set[kind] = has[kind] & (sets.code[candidates] == code)
            besides_people += np.where(
                same, min(same_cap, same_weight * float(sets.idf[code])), 0.0
            )
        score += besides_people

        people = self._people_shared(shared, n)
        series, inferred = self._series(film, candidates, franchise)
        score += np.where(series | inferred, weights.SERIES_BONUS, 0.0)
        score = np.round(score, 4)  # so that the order never depends on summation order
        directed = np.bincount(shared[DIRECTOR][0], minlength=n) > 0
        self._drop_namesakes(
            film, candidates, score, people, besides_people, series | inferred | directed
        )

        directors = shared[DIRECTOR][0], self.kinds[DIRECTOR].ids[shared[DIRECTOR][1]]
        chosen = self._ranked(film, candidates, score, series | inferred, people, directors)
        return self._with_reasons(
            film, candidates, chosen, shared, series, inferred, franchise, same_set
        )

    def _people_shared(self, shared, n) -> tuple[np.ndarray, np.ndarray]:
        """(candidate row, person id) of every person a candidate shares with the film,
        once each whatever their roles, sorted by row."""
        rows = np.concatenate([shared[kind][0] for kind in PEOPLE])
        ids = np.concatenate([self.kinds[kind].ids[shared[kind][1]] for kind in PEOPLE])
        order = np.lexsort((ids, rows))
        rows, ids = rows[order], ids[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (ids[1:] != ids[:-1])
        return rows[first], ids[first]

    def _ranked(
        self, film, candidates, score, series, people, directors
    ) -> list[tuple[int, float]]:
        """The (row, score) pairs to store, in order: the film's series first, nearest in
        time first; then the rest, best first, mixed on the first page (weights.py)."""
        limit = weights.MAX_SUGGESTIONS
        rows = np.nonzero(score >= weights.MIN_SCORE)[0]
        in_series, others = rows[series[rows]], rows[~series[rows]]
        if len(others) > limit:
            cut = np.partition(score[others], len(others) - limit)[len(others) - limit]
            others = others[score[others] >= cut]
        # Ties: better rated first, then the older id, so the order never depends on chance.
        others = others[
            np.lexsort((candidates[others], -self.rating_rank[candidates[others]], -score[others]))
        ]
        if len(in_series):
            year, years = int(self.year[film]), self.year[candidates[in_series]]
            unknown = (years == NO_YEAR) | (year == NO_YEAR)
            apart = np.where(unknown, np.iinfo(np.int64).max, np.abs(years - year))
            rating = self.rating_rank[candidates[in_series]]
            in_series = in_series[
                np.lexsort((candidates[in_series], -rating, -score[in_series], apart))
            ]
        ranked = in_series.tolist()
        ranked += _mixed(
            others.tolist(), people, directors, places=max(0, weights.FIRST_PAGE - len(ranked))
        )
        return [(row, float(score[row])) for row in ranked[:limit]]

    def _with_reasons(
        self, film, candidates, chosen, shared, series, inferred, franchise, same_set
    ):
        """The chosen candidates as stored suggestions, with their reasons: shared people,
        genres and themes by id, sorted (actors in the film's billing order)."""
        if not chosen:
            return []
        picked = np.zeros(len(candidates), dtype=bool)
        picked[[row for row, _ in chosen]] = True
        # Every shared feature of the chosen candidates, ordered by candidate, then kind,
        # then as listed: one pass builds the reasons.
        rows, kinds, keys, ids = [], [], [], []
        for number, kind in enumerate(_REASON_KINDS):
            found_rows, features, _ = shared[kind]
            keep = picked[found_rows]
            found_rows, features = found_rows[keep], features[keep]
            feature_ids = self.kinds[kind].ids[features]
            key = feature_ids
            if kind == ACTOR:
                # In this film's billing order, leads first (then by id).
                actors = self.kinds[ACTOR]
                own = slice(actors.film_ptr[film], actors.film_ptr[film + 1])
                self._film_position[actors.of(film)] = self.actor_position[own]
                key = (self._film_position[features] << 40) + feature_ids
            rows.append(found_rows)
            kinds.append(np.full(len(found_rows), number))
            keys.append(key)
            ids.append(feature_ids)
        rows, kinds, keys, ids = map(np.concatenate, (rows, kinds, keys, ids))
        order = np.lexsort((keys, kinds, rows))

        reasons_of = {
            row: series_reason(candidates, row, series, inferred, franchise) for row, _ in chosen
        }
        listed = None
        previous_row, previous_kind = -1, -1
        for row, number, feature_id in zip(
            rows[order].tolist(), kinds[order].tolist(), ids[order].tolist(), strict=True
        ):
            if row != previous_row:
                previous_row, previous_kind = row, -1
            if number != previous_kind:
                kind = _REASON_KINDS[number]
                listed = reasons_of[row][kind] = []
                if kind in same_set and same_set[kind][row]:
                    reasons_of[row][f"same_{kind}"] = True
                previous_kind = number
            listed.append(feature_id)

        films = self.ids[candidates[[row for row, _ in chosen]]].tolist()
        return [
            {"id": film_id, "score": score, "reasons": reasons_of[row]}
            for film_id, (row, score) in zip(films, chosen, strict=True)
        ]


_REASON_KINDS = (DIRECTOR, WRITER, ACTOR, GENRE, THEME)


def _mixed(ranked: list[int], people, directors, places: int) -> list[int]:
    """`ranked` with its first `places` mixed: a film goes to a later place while it would
    make one person the link of more than weights.MOST_FROM_ONE_PERSON of them. A film
    comes through the directors it shares, or else through the one person it shares."""
    if places <= 0 or len(ranked) <= weights.MOST_FROM_ONE_PERSON:
        return ranked
    director_rows, director_ids = (a.tolist() for a in directors)
    people_rows, people_ids = people
    alone = np.bincount(people_rows, minlength=max(ranked) + 1) == 1

    def links_of(rows) -> dict[int, list[int]]:
        rows = set(rows)
        through = {row: [] for row in rows}
        for row, person in zip(director_rows, director_ids, strict=True):
            if row in rows:
                through[row].append(person)
        for row in rows:
            if not through[row] and alone[row]:
                through[row].append(int(people_ids[np.searchsorted(people_rows, row)]))
        return through

    # Most first pages are mixed already: nothing to move.
    through = links_of(ranked[:places])
    counted = Counter(person for persons in through.values() for person in persons)
    if all(n <= weights.MOST_FROM_ONE_PERSON for n in counted.values()):
        return ranked
    through = links_of(ranked)
    placed, links = [], {}
    remaining = list(ranked)
    while remaining and len(placed) < places:
        # The best film left that keeps every person within the limit; if every film left
        # comes through a person placed enough already, the best of them.
        position = next(
            (
                position
                for position, row in enumerate(remaining)
                if all(links.get(p, 0) < weights.MOST_FROM_ONE_PERSON for p in through[row])
            ),
            0,
        )
        row = remaining.pop(position)
        placed.append(row)
        for person in through[row]:
            links[person] = links.get(person, 0) + 1
    return placed + remaining
