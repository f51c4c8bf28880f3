"""The full build's engine: the ranking and counts of `recommendations.engine` for every
film of the catalog, computed over numpy arrays.

`engine.py` ranks one film's candidates one by one in Python: clear, and fast enough for
the film a curator has just edited. A full build of 300,000 films is some 600 million
candidates, hours of that. Here the catalog is held as compressed sparse rows (a film's
people, genres or themes are one slice of an array, so are a feature's films), and all the
candidates of a film are scored at once, with the engine's features, weights, caps and
order of additions, so that the stored scores, reasons and counts are the engine's.
tests/recommendations compare the two on every film of generated catalogs.

Memory: a few arrays of the size of the credits (about 150 MB for 300,000 films), shared
with the worker processes a build forks.
"""

import math
from dataclasses import dataclass

import numpy as np

from films.models import Credit, Film
from recommendations import weights
from recommendations.engine import (
    ACTOR,
    DIRECTOR,
    GENRE,
    SERIES,
    SET_WEIGHTS,
    THEME,
    WRITER,
)

ROLE_KINDS = {
    Credit.Role.DIRECTOR: DIRECTOR,
    Credit.Role.WRITER: WRITER,
    Credit.Role.ACTOR: ACTOR,
}
# Union counts over postings longer than this OR bitsets (one bit per film) rather than
# sorting the films: "Drama" is 40% of the catalog.
BITSET_POSTINGS = 4096
STREAM_CHUNK = 50_000
# Scores are rounded to 4 decimals (engine._Scorer.score). Candidates are first ranked by
# numpy's rounding, which may differ from Python's round() by one unit in the last place
# on a tie; everything within this margin of the cut is ranked again with round().
ROUNDING_MARGIN = 1e-3

_popcount = getattr(np, "bitwise_count", None)  # numpy 2
_POPCOUNT_BYTES = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)


def _bit_total(bits: np.ndarray) -> int:
    if _popcount is not None:
        return int(_popcount(bits).sum())
    return int(_POPCOUNT_BYTES[bits.view(np.uint8)].sum())


def _ranges(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the slices starts[k]:ends[k] of an array: (k of each element, its position)."""
    lengths = ends - starts
    total = int(lengths.sum())
    owners = np.repeat(np.arange(len(starts)), lengths)
    if not total:
        return owners, np.zeros(0, dtype=np.int64)
    firsts = np.cumsum(lengths) - lengths
    positions = np.arange(total) - np.repeat(firsts - starts, lengths)
    return owners, positions


class _Kind:
    """One kind of feature (directors, actors, genres...): both directions as sparse rows.

    Features are numbered in the order of their database ids; films by their index in
    the catalog, which is also the order of their ids.
    """

    def __init__(self, films: int, film_index: np.ndarray, feature_ids: np.ndarray, total: int):
        self.ids, codes = np.unique(feature_ids, return_inverse=True)
        codes = codes.astype(np.int64)
        by_film = np.lexsort((codes, film_index))
        self.film_ptr = _pointers(film_index, films)
        self.film_features = codes[by_film]
        self.order = by_film  # where each (film, feature) pair came from, for positions
        by_feature = np.lexsort((film_index, codes))
        self.feature_ptr = _pointers(codes, len(self.ids))
        self.feature_films = film_index[by_feature]
        # For each (feature, film) pair, where the same pair is among the film's features.
        film_position = np.empty(len(by_film), dtype=np.int64)
        film_position[by_film] = np.arange(len(by_film))
        self.film_position = film_position[by_feature]
        self.frequency = np.diff(self.feature_ptr)
        # engine._Scorer.idf, with math.log so that the values are the engine's.
        self.idf = np.array(
            [math.log(total / max(int(n), 1)) for n in self.frequency], dtype=np.float64
        )
        self.mean_per_film = len(codes) / max(films, 1)
        self._bitsets = {}
        self.mark = np.zeros(len(self.ids), dtype=bool)

    def of(self, film: int) -> np.ndarray:
        return self.film_features[self.film_ptr[film] : self.film_ptr[film + 1]]

    def films(self, feature: int) -> np.ndarray:
        return self.feature_films[self.feature_ptr[feature] : self.feature_ptr[feature + 1]]

    def union_size(self, features: np.ndarray, films: int) -> int:
        """Films having at least one of these features (engine.Index.sharing_count)."""
        big = [f for f in features.tolist() if self.frequency[f] > BITSET_POSTINGS]
        small = [self.films(f) for f in features.tolist() if self.frequency[f] <= BITSET_POSTINGS]
        members = _distinct(np.concatenate(small)) if small else np.zeros(0, dtype=np.int64)
        if not big:
            return len(members)
        bits = self._bitset(big[0], films).copy()
        for feature in big[1:]:
            bits |= self._bitset(feature, films)
        outside = ((bits[members >> 6] >> (members & 63).astype(np.uint64)) & 1) == 0
        return _bit_total(bits) + int(np.count_nonzero(outside))

    def _bitset(self, feature: int, films: int) -> np.ndarray:
        if feature not in self._bitsets:
            bits = np.zeros((films + 63) // 64, dtype=np.uint64)
            members = self.films(feature)
            np.bitwise_or.at(bits, members >> 6, np.uint64(1) << (members & 63).astype(np.uint64))
            self._bitsets[feature] = bits
        return self._bitsets[feature]


def _distinct(values: np.ndarray) -> np.ndarray:
    """np.unique for the small arrays of one film: sorting is faster than its hashing."""
    values = np.sort(values)
    if len(values) > 1:
        values = values[np.concatenate(([True], values[1:] != values[:-1]))]
    return values


def _pointers(owners: np.ndarray, size: int) -> np.ndarray:
    pointers = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(owners, minlength=size), out=pointers[1:])
    return pointers


class _Sets:
    """Each film's exact set of genres (or themes), numbered: -1 for none."""

    def __init__(self, kind: _Kind, films: int, total: int, set_weights):
        codes, found = np.full(films, -1, dtype=np.int64), {}
        features = kind.film_features.tolist()
        pointers = kind.film_ptr.tolist()
        for film in range(films):
            start, end = pointers[film], pointers[film + 1]
            if start != end:
                codes[film] = found.setdefault(tuple(features[start:end]), len(found))
        self.code = codes
        members = np.nonzero(codes >= 0)[0]
        by_set = np.argsort(codes[members], kind="stable")
        self.ptr = _pointers(codes[members], len(found))
        self.films_in = members[by_set]
        self.frequency = np.diff(self.ptr)
        self.idf = np.array(
            [math.log(total / max(int(n), 1)) for n in self.frequency], dtype=np.float64
        )
        # engine._Scorer.best_set_score for each set: may the exact set alone pass?
        weight, cap, same_weight, same_cap = set_weights
        self.may_pass = np.zeros(len(found), dtype=bool)
        for features, code in found.items():
            shared = sum(float(kind.idf[f]) for f in features)
            best = min(cap, weight * shared) + min(same_cap, same_weight * float(self.idf[code]))
            self.may_pass[code] = best >= weights.MIN_SCORE
        self._union_sizes = {}

    def films(self, code: int) -> np.ndarray:
        return self.films_in[self.ptr[code] : self.ptr[code + 1]]

    def union_size(self, code: int, kind: _Kind, films: int, features: np.ndarray) -> int:
        if code not in self._union_sizes:
            self._union_sizes[code] = kind.union_size(features, films)
        return self._union_sizes[code]


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
    suggestions: list  # of Suggestion.as_json() dicts


class ArrayIndex:
    def __init__(self, films, credits, genres, themes):
        """films: (ids, series, in billing order, rating rank), ids ascending; credits:
        (film id, person id, role, position); genres, themes: (film id, feature id)."""
        ids, series, in_order, rating_rank = films
        self.ids = np.asarray(ids, dtype=np.int64)
        count = self.film_total = len(self.ids)
        total = max(count, 1)
        self.rating_rank = np.asarray(rating_rank, dtype=np.float64)
        self.in_order = np.asarray(in_order, dtype=bool)

        names = {}
        self.series = np.array(
            [names.setdefault(s, len(names)) if s else -1 for s in series], dtype=np.int64
        )
        series_films = np.nonzero(self.series >= 0)[0]
        self._series_order = series_films[np.argsort(self.series[series_films], kind="stable")]
        self._series_ptr = _pointers(self.series[series_films], len(names))

        film_of, person, role, position = credits
        film_index = np.searchsorted(self.ids, film_of)
        self.kinds = {}
        for role_value, kind in ROLE_KINDS.items():
            mine = role == role_value
            self.kinds[kind] = _Kind(count, film_index[mine], person[mine], total)
        # Billing positions of actor credits, in the order of kinds[ACTOR].film_features,
        # and the engine's factor for each (it depends on the film's billing order).
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
            self.kinds[kind] = _Kind(count, np.searchsorted(self.ids, film_of), feature, total)
            self.sets[kind] = _Sets(self.kinds[kind], count, total, SET_WEIGHTS[kind])

    @classmethod
    def load(cls) -> "ArrayIndex":
        """The whole catalog, in a few streaming queries."""
        rows = Film.objects.order_by("id").values_list(
            "id", "series", "cast_in_billing_order", "rating_rank"
        )
        ids, series, in_order, rating_rank = [], [], [], []
        for film_id, name, ordered, rank in rows.iterator(chunk_size=STREAM_CHUNK):
            ids.append(film_id)
            series.append(name)
            in_order.append(ordered)
            rating_rank.append(rank)
        credits = Credit.objects.order_by().values_list("film_id", "person_id", "role", "position")
        credit_rows = _columns(credits, [np.int64, np.int64, np.int8, np.int32])
        pairs = []
        for relation in (Film.genres, Film.themes):
            column = f"{relation.field.related_model._meta.model_name}_id"
            through = relation.through.objects
            rows = through.order_by().values_list("film_id", column)
            pairs.append(_columns(rows, [np.int64, np.int64]))
        return cls((ids, series, in_order, rating_rank), credit_rows, *pairs)

    # --- One film --------------------------------------------------------------------

    def result(self, film: int) -> FilmResult:
        """Film number `film` (0 to film_total - 1): counts and suggestions."""
        return FilmResult(int(self.ids[film]), *self._counts(film), self._suggestions(film))

    def _counts(self, film: int) -> tuple[int, ...]:
        # engine.counts_for
        count = self.film_total
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

    def _candidates(self, film: int) -> np.ndarray:
        # engine._candidates
        parts = []
        series = int(self.series[film])
        if series >= 0:
            members = self._series_order[self._series_ptr[series] : self._series_ptr[series + 1]]
            if 1 < len(members) <= weights.MAX_GENERATOR_FILMS:
                parts.append(members)
        for kind in (DIRECTOR, WRITER, ACTOR, THEME):
            postings = self.kinds[kind]
            features = postings.of(film)
            frequency = postings.frequency[features]
            generating = features[(frequency > 1) & (frequency <= weights.MAX_GENERATOR_FILMS)]
            parts += [postings.films(f) for f in generating.tolist()]
        for kind in (GENRE, THEME):
            sets = self.sets[kind]
            code = int(sets.code[film])
            if code >= 0 and 1 < sets.frequency[code] <= weights.MAX_GENERATOR_FILMS:
                if sets.may_pass[code]:
                    parts.append(sets.films(code))
        if not parts:
            return np.zeros(0, dtype=np.int64)
        candidates = _distinct(np.concatenate(parts))
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
            owners, positions = _ranges(starts, ends)
            films = postings.feature_films[positions]
            rows = np.searchsorted(candidates, films)
            found = rows < len(candidates)
            found[found] = candidates[rows[found]] == films[found]
            rows, features = rows[found], mine[owners[found]]
            return rows, features, postings.film_position[positions[found]]
        # From the candidates to their features: "Drama" has more films than the
        # candidates have genres.
        rows, positions = _ranges(postings.film_ptr[candidates], postings.film_ptr[candidates + 1])
        features = postings.film_features[positions]
        postings.mark[mine] = True
        shared = postings.mark[features]
        postings.mark[mine] = False
        return rows[shared], features[shared], positions[shared]

    def _suggestions(self, film: int) -> list[dict]:
        candidates = self._candidates(film)
        n = len(candidates)
        if not n:
            return []
        score = np.zeros(n, dtype=np.float64)
        shared = {}
        # The additions in engine._Scorer.score's order, so that the sums are the same.
        series = int(self.series[film])
        same_series = None
        if series >= 0:
            same_series = self.series[candidates] == series
            score += np.where(same_series, weights.SERIES_BONUS, 0.0)
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

        same_set = {}
        for kind in (GENRE, THEME):
            weight, cap, same_weight, same_cap = SET_WEIGHTS[kind]
            rows, features, _ = shared[kind] = self._shared(kind, film, candidates)
            if not len(rows):
                continue
            sums = np.bincount(rows, weights=self.kinds[kind].idf[features], minlength=n)
            has = np.bincount(rows, minlength=n) > 0
            score += np.where(has, np.minimum(cap, weight * sums), 0.0)
            sets = self.sets[kind]
            code = int(sets.code[film])
            same = has & (sets.code[candidates] == code)
            same_set[kind] = same
            score += np.where(same, min(same_cap, same_weight * float(sets.idf[code])), 0.0)

        chosen = self._best(film, candidates, score)
        return self._with_reasons(film, candidates, chosen, shared, same_series, same_set)

    def _best(self, film, candidates, score) -> list[tuple[int, float]]:
        """The best (row, score) pairs, best first, as engine.similar_films sorts them."""
        rounded = np.round(score, 4)
        rows = np.nonzero(rounded >= weights.MIN_SCORE - ROUNDING_MARGIN)[0]
        limit = weights.MAX_SUGGESTIONS
        if len(rows) > limit:
            cut = np.partition(rounded[rows], len(rows) - limit)[len(rows) - limit]
            rows = rows[rounded[rows] >= cut - ROUNDING_MARGIN]
        ranked = []
        for row, value in zip(rows.tolist(), score[rows].tolist(), strict=True):
            value = round(value, 4)
            if value >= weights.MIN_SCORE:
                candidate = int(candidates[row])
                ranked.append((-value, -float(self.rating_rank[candidate]), candidate, row))
        ranked.sort()
        return [(row, -negative) for negative, _, _, row in ranked[:limit]]

    def _with_reasons(self, film, candidates, chosen, shared, same_series, same_set):
        """The chosen candidates as stored suggestions, with engine._Scorer.score's
        reasons: shared people, genres and themes by id, sorted (actors in the film's
        billing order), in the engine's order of keys."""
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

        reasons_of, reasons, listed = {}, None, None
        previous_row, previous_kind = -1, -1
        series = same_series.tolist() if same_series is not None else None
        same = {kind: flags.tolist() for kind, flags in same_set.items()}
        for row, number, feature_id in zip(
            rows[order].tolist(), kinds[order].tolist(), ids[order].tolist(), strict=True
        ):
            if row != previous_row:
                reasons = reasons_of[row] = {SERIES: True} if series and series[row] else {}
                previous_row, previous_kind = row, -1
            if number != previous_kind:
                kind = _REASON_KINDS[number]
                listed = reasons[kind] = []
                if kind in same and same[kind][row]:
                    reasons[f"same_{kind}"] = True
                previous_kind = number
            listed.append(feature_id)

        films = self.ids[candidates[[row for row, _ in chosen]]].tolist()
        return [
            {
                "id": film_id,
                "score": score,
                "reasons": reasons_of.get(row)
                or ({SERIES: True} if series and series[row] else {}),
            }
            for film_id, (row, score) in zip(films, chosen, strict=True)
        ]


_REASON_KINDS = (DIRECTOR, WRITER, ACTOR, GENRE, THEME)


def _columns(rows, dtypes) -> list[np.ndarray]:
    """A values_list queryset streamed into one numpy array per column."""
    dtype = np.dtype([(f"c{i}", t) for i, t in enumerate(dtypes)])
    table = np.fromiter(rows.iterator(chunk_size=STREAM_CHUNK), dtype=dtype)
    return [table[name] for name in dtype.names]
