"""For you: films like the ones the visitor rated well, each with why ("Because you liked
Alien and Blade Runner: Same director: Ridley Scott").

No model of its own: it adds up the stored similar films (recommendations.models.
FilmRecommendations) of the films the visitor rated, each suggestion's score times
(stars - 3). A 5-star film counts twice, a 4-star once; a 2-star film takes its similar
films' scores off once, a 1-star twice, so that films like the ones disliked go down or out;
3 stars count for nothing. Films with a total above zero are suggested, best first.

Left out: every film the visitor rated, and those they said "Not interested" in. Films on
their watchlist stay, marked: they are good suggestions the visitor already agrees with, and
hiding them would make the page seem to forget what it suggested.

Bounds, whatever the number of votes: the stored suggestions of the LIKED_READ newest 4-5
star votes and of the DISLIKED_READ newest 1-2 star votes (one query, at most 300 rows);
the ids of every film the visitor rated or listed, as pairs of small values, to leave them
out. Queries: the votes, the watchlist, the suggestions, the page's films with the liked
films it names (one query), the facts of the cards not cached (pages.cards), and the names
of the people, genres and themes the reasons mention (one query per kind, none for a kind
not mentioned). Never stored: each vote changes it, and it is the visitor's own.

The adding up and the phrases are pages.suggestions', which Films like these shares.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from films.catalog.models import Film
from films.community.models import Vote, WatchlistEntry
from films.community.visitors import get_visitor
from pages.cards import add_card_bodies
from pages.sentences import join_names
from pages.suggestions import SourcePhrases, add_up
from pages.views.common import paginate
from pages.views.home import BEST_RATED_MIN_RATINGS, FILMS_PER_SHELF
from recommendations.models import FilmRecommendations

# The newest votes whose similar films are read: enough to follow a visitor's taste, few
# enough that the page reads the same rows for 200 votes or 20,000.
LIKED_READ = 200
DISLIKED_READ = 100
LIKED = 4  # stars and more
DISLIKED = 2  # stars and fewer
NEUTRAL = 3  # the stars that weigh nothing: weight = stars - NEUTRAL
# The liked films a suggestion names at most, those that brought it most first.
SOURCES_NAMED = 3


@dataclass
class Candidate:
    film_id: int
    score: float = 0.0
    # (what it added, the liked film's id, the stored reasons of the suggestion)
    sources: list[tuple[float, int, dict]] = field(default_factory=list)

    def named_sources(self) -> list[tuple[float, int, dict]]:
        return sorted(self.sources, key=lambda source: (-source[0], source[1]))[:SOURCES_NAMED]


@dataclass(frozen=True)
class Suggested:
    """A card of the page: the film, why ([{"titles", "reasons"}]: liked films that share
    the same reasons together) and whether it is on the visitor's watchlist."""

    film: Film
    because: list[dict[str, str]]
    in_watchlist: bool


@never_cache
def for_you(request):
    key = get_visitor(request).key
    votes, listed = _visitor_films(key)
    ranked = rank(votes, listed)
    page = paginate(request, ranked, shrinking=True)
    ctx = {
        "page": page,
        "has_votes": bool(votes),
        "has_liked": any(stars >= LIKED for _, stars in votes),
        "starters": [],
    }
    if ranked:
        page.object_list = _with_reasons(page.object_list, listed)
        add_card_bodies([suggested.film for suggested in page.object_list])
    else:
        ctx["starters"] = _starters(key)
        add_card_bodies(ctx["starters"])
    return render(request, "films/for_you.html", ctx)


def _visitor_films(key: str | None) -> tuple[list[tuple[int, int]], dict[int, str]]:
    """The visitor's votes as (film id, stars), newest first, and their watchlist entries
    as {film id: kind}: two queries, none for a visitor without the cookie."""
    if key is None:
        return [], {}
    votes = list(
        Vote.objects.filter(visitor=key)
        .order_by("-updated_at", "-id")
        .values_list("film_id", "stars")
    )
    listed = dict(WatchlistEntry.objects.filter(visitor=key).values_list("film_id", "kind"))
    return votes, listed


def rank(votes: list[tuple[int, int]], listed: dict[int, str]) -> Sequence[Candidate]:
    """The suggestions for a visitor with these votes (newest first) and watchlist, best
    first; ties to the older film id. One query, none without a vote of 1, 2, 4 or 5."""
    liked = [film_id for film_id, stars in votes if stars >= LIKED][:LIKED_READ]
    disliked = [film_id for film_id, stars in votes if stars <= DISLIKED][:DISLIKED_READ]
    stars_of = dict(votes)
    weights = {film_id: stars_of[film_id] - NEUTRAL for film_id in liked + disliked}
    if not weights:
        return []
    left_out = set(stars_of) | {
        film_id for film_id, kind in listed.items() if kind == WatchlistEntry.Kind.NOT_INTERESTED
    }
    records = FilmRecommendations.objects.filter(film_id__in=weights).values_list(
        "film_id", "suggestions"
    )
    scores, sources = add_up(records, weights, left_out)
    ranked = sorted(
        (film_id for film_id, score in scores.items() if score > 0),
        key=lambda film_id: (-scores[film_id], film_id),
    )
    return Ranked(ranked, scores, sources)


class Ranked(Sequence):
    """The candidates, best first, made as a page asks for them."""

    def __init__(self, film_ids: list[int], scores: dict, sources: dict):
        self.film_ids, self.scores, self.sources = film_ids, scores, sources

    def __len__(self) -> int:
        return len(self.film_ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._candidate(film_id) for film_id in self.film_ids[index]]
        return self._candidate(self.film_ids[index])

    def _candidate(self, film_id: int) -> Candidate:
        return Candidate(film_id, self.scores[film_id], self.sources.get(film_id, []))


# --- Why each film is suggested ------------------------------------------------------


def _with_reasons(candidates: list[Candidate], listed: dict[int, str]) -> list[Suggested]:
    """The page's films, each with why it is suggested."""
    named = {candidate.film_id: candidate.named_sources() for candidate in candidates}
    sources = [source for chosen in named.values() for source in chosen]
    rows = Film.objects.in_bulk(
        [candidate.film_id for candidate in candidates] + [liked for _, liked, _ in sources]
    )
    phrases_of = SourcePhrases([reasons for _, _, reasons in sources])
    suggested = []
    for candidate in candidates:
        film = rows.get(candidate.film_id)
        if film is None:  # deleted since the last build
            continue
        groups: dict[tuple[str, ...], list[str]] = {}
        for _, liked_id, reasons in named[candidate.film_id]:
            liked = rows.get(liked_id)
            if liked is None:
                continue
            groups.setdefault(tuple(phrases_of(liked, reasons)), []).append(liked.local_title)
        because = [
            {"titles": join_names(titles), "reasons": " · ".join(phrases)}
            for phrases, titles in groups.items()
        ]
        in_watchlist = listed.get(film.pk) == WatchlistEntry.Kind.WANT
        suggested.append(Suggested(film=film, because=because, in_watchlist=in_watchlist))
    return suggested


# --- No suggestion yet ---------------------------------------------------------------


def _starters(key: str | None) -> list[Film]:
    """Well rated films to start with (the home page's best rated), minus those rated."""
    films = Film.objects.filter(rating_count__gte=BEST_RATED_MIN_RATINGS)
    if key is not None:
        films = films.exclude(pk__in=Vote.objects.filter(visitor=key).values("film_id"))
    return list(films.order_by("-rating_rank", "id")[:FILMS_PER_SHELF])
