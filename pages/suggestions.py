"""The stored similar films of several films, added up and said: what For you
(pages/views/for_you.py) and Films like these (pages/views/like.py) share.

Both read FilmRecommendations.suggestions ([{"id", "score", "reasons"}]) of a few source
films, add each suggestion's score, weighted, to its film's total, and say why each film
came: the reasons of each source film in the film page's phrases (pages.sentences.
ReasonPhrases), naming the people, genres and themes read once for the whole page.
"""

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace

from films.catalog.models import Film, Genre, Person, Theme
from pages.sentences import ReasonPhrases
from recommendations.kinds import GENRE, PEOPLE, THEME

# What one source film added to a suggested film: (the score it added, the source film's
# id, the stored reasons of its suggestion).
Source = tuple[float, int, dict]


def add_up(
    records: Iterable[tuple[int, list[dict]]], weights: Mapping[int, float], left_out: set[int]
) -> tuple[defaultdict[int, float], defaultdict[int, list[Source]]]:
    """The suggested films' totals, by film id, from (source film id, its stored
    suggestions): each suggestion adds its score times its source's weight. And for each
    film, the sources that added to it (not those that took from it). Films in `left_out`
    are not counted."""
    scores: defaultdict[int, float] = defaultdict(float)
    sources: defaultdict[int, list[Source]] = defaultdict(list)
    with no_cycle_collection():
        for source_id, suggestions in records:
            weight = weights[source_id]
            for suggestion in suggestions:
                film_id = suggestion["id"]
                if film_id in left_out:
                    continue
                added = weight * suggestion["score"]
                scores[film_id] += added
                if added > 0:
                    sources[film_id].append((added, source_id, suggestion["reasons"]))
    return scores, sources


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while the stored suggestions are decoded and added
    up: 200 lists of 70 make some 80,000 dicts, lists and tuples, which set off
    collections of every object of the process, the better part of the page's time
    (docs/performance.md). None of them is in a cycle: reference counting frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- Why each film is suggested ------------------------------------------------------


@dataclass(frozen=True)
class _Credit:
    person: Person


@dataclass(frozen=True)
class _Names:
    """What pages.sentences.ReasonPhrases reads of a film, so that its phrases name the
    reasons here as on a film page: the names of everything the page's reasons mention,
    read once for the page, and the series of the source film they come from."""

    all_credits: list[_Credit]
    all_genres: list[Genre]
    all_themes: list[Theme]
    series: str = ""
    # No cast order: actors are named in the stored order (the source film's billing order).
    cast: tuple = ()


class SourcePhrases:
    """`SourcePhrases(all_reasons)(source, reasons)`: the phrases of the stored reasons of
    one of `source`'s suggestions ("Same director: Ridley Scott"), as its film page says
    them. Made once for a page, from every reasons dict it will phrase: one query per kind
    of name they mention (people, genres, themes), none for a kind not mentioned."""

    def __init__(self, all_reasons: list[dict]):
        people = {i for reasons in all_reasons for kind in PEOPLE for i in reasons.get(kind, [])}
        genres = {i for reasons in all_reasons for i in reasons.get(GENRE, [])}
        themes = {i for reasons in all_reasons for i in reasons.get(THEME, [])}
        # An empty id list asks the database nothing.
        self.names = _Names(
            all_credits=[
                _Credit(p) for p in Person.objects.filter(id__in=people).only("id", "name")
            ],
            all_genres=list(Genre.objects.filter(id__in=genres)),
            all_themes=list(Theme.objects.filter(id__in=themes)),
        )
        self.by_series: dict[str, ReasonPhrases] = {}

    def __call__(self, source: Film, reasons: dict) -> list[str]:
        series = source.series or ""
        if series not in self.by_series:
            self.by_series[series] = ReasonPhrases(replace(self.names, series=series))
        return self.by_series[series](reasons)
