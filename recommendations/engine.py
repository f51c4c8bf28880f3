"""The similar-films engine: counts, candidates, scores and reasons for one film.

It reads the catalog through an index (`recommendations.index`): `CatalogIndex` holds the
whole catalog in memory for a full build, `FilmNeighbourhood` reads just what one film
needs from the database after an edit. Both give the same answers; the ranking is written
once, here.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from recommendations import weights

# Kinds of shared features, as they appear in stored reasons.
DIRECTOR, WRITER, ACTOR, GENRE, THEME, SERIES = (
    "directors",
    "writers",
    "actors",
    "genres",
    "themes",
    "series",
)


@dataclass(frozen=True)
class FilmFeatures:
    id: int
    directors: frozenset[int] = frozenset()
    writers: frozenset[int] = frozenset()
    actors: dict[int, int] = field(default_factory=dict)  # person id -> billing position
    genres: frozenset[int] = frozenset()
    themes: frozenset[int] = frozenset()
    series: str = ""
    in_billing_order: bool = True
    rating_rank: float = 0.0

    def features(self, kind) -> Iterable:
        if kind == ACTOR:
            return self.actors.keys()
        if kind == SERIES:
            return (self.series,) if self.series else ()
        return getattr(self, kind)


@dataclass(frozen=True)
class Counts:
    actors: int = 0
    directors: int = 0
    genres: int = 0
    same_genres: int = 0
    themes: int = 0
    same_themes: int = 0


@dataclass(frozen=True)
class Suggestion:
    id: int
    score: float
    reasons: dict

    def as_json(self) -> dict:
        return {"id": self.id, "score": self.score, "reasons": self.reasons}


class Index(Protocol):
    film_total: int

    def features(self, film_id: int) -> FilmFeatures: ...

    def films_with(self, kind: str, feature) -> Iterable[int]: ...

    def film_frequency(self, kind: str, feature) -> int: ...

    def films_with_set(self, kind: str, features: frozenset) -> Iterable[int]: ...

    def set_frequency(self, kind: str, features: frozenset) -> int: ...

    def sharing_count(self, kind: str, features: Iterable) -> int:
        """Films having at least one of these features (the film itself included)."""
        ...

    def prefetch(self, film_ids: Iterable[int]) -> None:
        """Get ready to answer features() for these films."""
        ...


def counts_for(film: FilmFeatures, index: Index) -> Counts:
    def sharing(kind):
        features = list(film.features(kind))
        return index.sharing_count(kind, features) - 1 if features else 0

    def same_set(kind):
        features = frozenset(film.features(kind))
        return index.set_frequency(kind, features) - 1 if features else 0

    return Counts(
        actors=sharing(ACTOR),
        directors=sharing(DIRECTOR),
        genres=sharing(GENRE),
        same_genres=same_set(GENRE),
        themes=sharing(THEME),
        same_themes=same_set(THEME),
    )


def similar_films(film: FilmFeatures, index: Index) -> list[Suggestion]:
    """The best suggestions for a film, best first, at most MAX_SUGGESTIONS."""
    scorer = _Scorer(film, index)
    suggestions = []
    candidates = _candidates(film, index, scorer)
    index.prefetch(candidates)
    for candidate_id in candidates:
        candidate = index.features(candidate_id)
        score, reasons = scorer.score(candidate)
        if score >= weights.MIN_SCORE:
            suggestions.append((candidate, score, reasons))
    # Ties: better rated first, then the older id, so the order never depends on chance.
    suggestions.sort(key=lambda s: (-s[1], -s[0].rating_rank, s[0].id))
    return [
        Suggestion(id=c.id, score=score, reasons=reasons)
        for c, score, reasons in suggestions[: weights.MAX_SUGGESTIONS]
    ]


def _candidates(film: FilmFeatures, index: Index, scorer: "_Scorer") -> set[int]:
    """Films sharing a selective feature: never a pass over the whole catalog."""
    found = set()
    for kind in (SERIES, DIRECTOR, WRITER, ACTOR, THEME):
        for feature in film.features(kind):
            if 1 < index.film_frequency(kind, feature) <= weights.MAX_GENERATOR_FILMS:
                found.update(index.films_with(kind, feature))
    # Films with exactly the same rare combination of genres (or themes) can pass the
    # minimum on that alone; common combinations cannot, so they are not looked at.
    for kind in (GENRE, THEME):
        features = frozenset(film.features(kind))
        if not features:
            continue
        size = index.set_frequency(kind, features)
        if 1 < size <= weights.MAX_GENERATOR_FILMS and scorer.best_set_score(kind) >= (
            weights.MIN_SCORE
        ):
            found.update(index.films_with_set(kind, features))
    found.discard(film.id)
    return found


class _Scorer:
    def __init__(self, film: FilmFeatures, index: Index):
        self.film = film
        self.index = index
        self.total = max(index.film_total, 1)
        self._idf_cache = {}

    def idf(self, kind, feature) -> float:
        key = (kind, feature)
        if key not in self._idf_cache:
            frequency = max(self.index.film_frequency(kind, feature), 1)
            self._idf_cache[key] = math.log(self.total / frequency)
        return self._idf_cache[key]

    def set_idf(self, kind) -> float:
        key = (kind, "set")
        if key not in self._idf_cache:
            features = frozenset(self.film.features(kind))
            frequency = max(self.index.set_frequency(kind, features), 1)
            self._idf_cache[key] = math.log(self.total / frequency)
        return self._idf_cache[key]

    def best_set_score(self, kind) -> float:
        """The most a candidate can score with exactly this film's genres (or themes)."""
        weight, cap, same_weight, same_cap = SET_WEIGHTS[kind]
        shared = sum(self.idf(kind, f) for f in self.film.features(kind))
        return min(cap, weight * shared) + min(same_cap, same_weight * self.set_idf(kind))

    def score(self, candidate: FilmFeatures) -> tuple[float, dict]:
        film = self.film
        score, reasons = 0.0, {}

        if film.series and candidate.series == film.series:
            score += weights.SERIES_BONUS
            reasons[SERIES] = True

        for kind, weight, cap in (
            (DIRECTOR, weights.DIRECTOR_WEIGHT, weights.DIRECTOR_CAP),
            (WRITER, weights.WRITER_WEIGHT, weights.WRITER_CAP),
        ):
            shared = getattr(film, kind) & getattr(candidate, kind)
            if shared:
                score += min(cap, weight * sum(self.idf(kind, p) for p in shared))
                reasons[kind] = sorted(shared)

        shared_actors = film.actors.keys() & candidate.actors.keys()
        if shared_actors:
            total = 0.0
            for person in shared_actors:
                factor = (
                    weights.actor_factor(film.actors[person], film.in_billing_order)
                    + weights.actor_factor(candidate.actors[person], candidate.in_billing_order)
                ) / 2
                total += weights.ACTOR_WEIGHT * factor * self.idf(ACTOR, person)
            score += min(weights.ACTOR_CAP, total)
            # Listed in this film's billing order, leads first.
            reasons[ACTOR] = sorted(shared_actors, key=lambda p: (film.actors[p], p))

        for kind in (GENRE, THEME):
            weight, cap, same_weight, same_cap = SET_WEIGHTS[kind]
            mine, theirs = getattr(film, kind), getattr(candidate, kind)
            shared = mine & theirs
            if not shared:
                continue
            score += min(cap, weight * sum(self.idf(kind, f) for f in shared))
            reasons[kind] = sorted(shared)
            if mine == theirs:
                score += min(same_cap, same_weight * self.set_idf(kind))
                reasons[f"same_{kind}"] = True

        # Rounded so that the order does not depend on float summation order.
        return round(score, 4), reasons


# Per kind of set (genres, themes): (weight, cap, exact-set weight, exact-set cap); the
# array engine of a full build (arrays.py) reads the same.
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
