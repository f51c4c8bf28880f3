"""Films like these: `/like/?films=ID,ID[,ID]`, the films similar to all of two or three
films, each with why for each of them ("Like Alien: Same director: Ridley Scott").

No model of its own: it reads the chosen films' stored similar films (recommendations.
models.FilmRecommendations) and adds them up as For you does (pages.suggestions), each
chosen film weighing the same.

The ranking. A film suggested by every chosen film comes before one suggested by fewer;
among films suggested by as many, by its *worst place* in the chosen films' lists of
similar films (2nd in one list and 3rd in the other beats 1st and 9th), then the sum of its
places, then its total score. Places, not scores: scores are not comparable from one film
to another (a film with a long cast and a series scores 100 with its sequel and 9 with a
film of the same director, a sparse one 9 at most), so the lowest score would always be the
sparser film's and the richer one's order would never count. The worst place, not the sum:
a sequel at the top of one film's list must not carry a film that is far down the others';
a film is as like the mix as it is like the chosen film it resembles least. When fewer than
ENOUGH films are like all of them, the films like all but one follow under a heading of
their own ("No film is like all three; these are like two of them"), and so on down to the
films like one of them, taken from each chosen film in turn, so that the one with more
suggestions does not take every place.

The state is the URL: the ids, sorted (`?films=2,1` is a permanent redirect to
`?films=1,2`, so a mix has one address however it was made). Adding a film is a GET form
(`&add=title`) that goes through the site's search: the one film matching the title
exactly, or the only match, is added (a redirect); otherwise the matches are offered to
pick from. Removing one is a plain link to the URL without it. No cookie, no JavaScript.
Bad input is said on the page, never a 500: ids that are not numbers, films no longer in
the catalog, more than three (the first three are kept).

The page is the same for every visitor: stored whole (caching.whole_pages) with the
catalog's key and the keys of every film it shows, the chosen ones included, so a vote on
one of them (its card's rating) or a new build of their suggestions makes it miss. It is
a combination of pages that exist on their own, so it asks search engines not to index
it (robots noindex, links followed; the site gives noindex pages no canonical link, and the
redirect to the sorted ids keeps one address per mix).

Queries: the chosen films with their stored suggestions (one), the films shown (one), the
facts of the cards not cached (pages.cards), and the names of the people, genres and
themes the reasons mention (one per kind mentioned). Adding by title adds the search's,
and for matches to pick from, their directors (one).
"""

import re
from dataclasses import dataclass, field

from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from caching import whole_pages
from films.catalog.models import Credit, Film
from pages.cards import add_card_bodies
from pages.search import LEADING_ARTICLES, normalize_query, search_films
from pages.sentences import join_names
from pages.suggestions import SourcePhrases, add_up
from recommendations.services import stored_recommendations

MOST_FILMS = 3  # in a mix
SHOWN = 20  # films like them, at most
# Fewer films like all of them than this, and the films like all but one follow.
ENOUGH = 10
# A mix of one film: its closest films, offered as the second.
OFFERED = 8
# Films that match a title, offered to pick from.
MATCHES_OFFERED = 10
MAX_QUERY_LENGTH = 200
MOST_PARTS = 20  # of films=, read
_ID = re.compile(r"[0-9]{1,9}")


@dataclass
class Match:
    """A film like the mix: the chosen films that suggest it, with the score and reasons
    of each suggestion, by chosen film id."""

    film_id: int
    like: dict[int, tuple[float, dict]] = field(default_factory=dict)
    # Its place in each chosen film's list (0 the first; films of equal score share one).
    places: dict[int, int] = field(default_factory=dict)
    film: Film | None = None
    because: list[dict[str, str]] = field(default_factory=list)
    add_url: str = ""

    def sort_key(self) -> tuple:
        places = self.places.values()
        total = sum(score for score, _ in self.like.values())
        return (-len(places), max(places), sum(places), -total, self.film_id)


@dataclass
class Section:
    """Films like as many of the mix: all of them, or all but one, and so on."""

    level: int  # how many of the chosen films each is like
    heading: str
    note: str
    matches: list[Match]


@dataclass(frozen=True)
class Linked:
    """A film and the address of the mix with it added (or, for a chosen film, removed)."""

    film: Film
    url: str
    directors: str = ""  # to tell films of the same title apart


def rank(records: list[tuple[int, list[dict]]]) -> list[Match]:
    """Every film the chosen films (with their stored suggestions) suggest, the chosen
    ones left out, best first: by how many of them suggest it, then its worst place in
    their lists, the sum of its places, its total score; ties to the older film id."""
    chosen = {film_id for film_id, _ in records}
    _, sources = add_up(records, dict.fromkeys(chosen, 1.0), left_out=chosen)
    places = {source: _places(suggestions) for source, suggestions in records}
    matches = [
        Match(
            film_id,
            like={source: (score, reasons) for score, source, reasons in found},
            places={source: places[source][film_id] for _, source, _ in found},
        )
        for film_id, found in sources.items()
    ]
    return sorted(matches, key=Match.sort_key)


def _places(suggestions: list[dict]) -> dict[int, int]:
    """Each suggested film's place in the list, best first: how many score more."""
    places, above, previous = {}, 0, None
    for n, suggestion in enumerate(sorted(suggestions, key=lambda s: -s["score"])):
        if suggestion["score"] != previous:
            above, previous = n, suggestion["score"]
        places[suggestion["id"]] = above
    return places


def shown(matches: list[Match], mix_size: int) -> list[tuple[int, list[Match]]]:
    """(how many of the mix they are like, the films) from all of them down: the films
    like all of it, then, while fewer than ENOUGH are shown, those like one fewer, and so
    on; SHOWN films in all, at most. The films like one only come from each chosen film in
    turn."""
    sections: list[tuple[int, list[Match]]] = []
    room = SHOWN
    for level in range(mix_size, 0, -1):
        if room == 0 or (level < mix_size and SHOWN - room >= ENOUGH):
            break
        at_level = [m for m in matches if len(m.like) == level]
        if level == 1 and mix_size > 1:
            at_level = _in_turn(at_level)
        if at_level[:room]:
            sections.append((level, at_level[:room]))
            room -= len(sections[-1][1])
    return sections


def _in_turn(matches: list[Match]) -> list[Match]:
    """Films like one chosen film each, best first: the best of each chosen film in turn,
    then the second of each, and so on."""
    by_source: dict[int, list[Match]] = {}
    for match in matches:
        by_source.setdefault(next(iter(match.like)), []).append(match)
    queues = [by_source[source] for source in sorted(by_source)]
    return [
        queue[n]
        for n in range(max(map(len, queues), default=0))
        for queue in queues
        if n < len(queue)
    ]


def like_url(ids) -> str:
    """The page of a mix: its canonical URL, the ids sorted."""
    path = reverse("films:like")
    ids = sorted(set(ids))
    return f"{path}?films={','.join(map(str, ids))}" if ids else path


def parse(value: str) -> tuple[list[int], list[str], bool]:
    """The ids of `films=` in their order, once each and MOST_FILMS at most; the parts
    that are no id; and whether there were more films than that."""
    ids, unreadable = [], []
    # A few more parts than a mix holds is enough to say what was wrong with a link.
    for part in value.split(",")[:MOST_PARTS]:
        part = part.strip()
        if not part:
            continue
        if _ID.fullmatch(part):
            if int(part) not in ids:
                ids.append(int(part))
        else:
            unreadable.append(part[:20])
    return ids[:MOST_FILMS], unreadable, len(ids) > MOST_FILMS


@require_safe
@whole_pages.cached_catalog_page
def like(request):
    # Every films= of the link (a form can repeat it), the canonical address joining them.
    ids, unreadable, too_many = parse(",".join(request.GET.getlist("films")))
    query = request.GET.get("add", "")[:MAX_QUERY_LENGTH].strip()
    if query and len(ids) < MOST_FILMS and not (unreadable or too_many):
        found = _film_to_add(query, ids)
        if isinstance(found, HttpResponseRedirect):
            return found
        matches, already = found
    else:
        matches, already = None, None
    if not (unreadable or too_many or query) and request.get_full_path() != like_url(ids):
        return redirect(like_url(ids), permanent=True)

    # The chosen films with their stored suggestions, the oldest first.
    films = Film.objects.select_related("recommendations").in_bulk(ids)
    chosen = sorted(films.values(), key=lambda film: (film.year or 9999, film.pk))
    unknown = [pk for pk in ids if pk not in films]
    ctx = {
        "chosen": chosen,
        "ids": ",".join(str(film.pk) for film in chosen),
        "notes": _notes(unreadable, unknown, too_many),
        "add_query": query,  # not `query`: the site's search box shows that
        "full": len(chosen) >= MOST_FILMS,
        "titles": join_names([film.local_title for film in chosen]),
        "sections": [],
        "offered": [],
        "mix": [Linked(film, like_url(set(films) - {film.pk})) for film in chosen],
        "matches": None if matches is None else _to_pick(matches, films),
        "already": already,
    }
    records = [(film.pk, _suggestions(film)) for film in chosen]
    if len(chosen) == 1:
        ctx["offered"] = _offered(chosen[0], records[0][1])
    elif len(chosen) > 1:
        ctx["sections"] = _with_reasons(chosen, records)
    whole_pages.shows_films(
        request, [*films, *(m.film_id for section in ctx["sections"] for m in section.matches)]
    )
    return render(request, "films/like.html", ctx)


def _notes(unreadable: list[str], unknown: list[int], too_many: bool) -> list[str]:
    """What was wrong with the link, and what the page made of it."""
    notes = []
    if unreadable:
        notes.append(
            ngettext(
                "%(parts)s is not a film number: it was left out.",
                "%(parts)s are not film numbers: they were left out.",
                len(unreadable),
            )
            % {"parts": join_names([_("“%(text)s”") % {"text": p} for p in unreadable], most=3)}
        )
    if unknown:
        notes.append(
            ngettext(
                "No film has the number %(numbers)s: it was left out.",
                "No film has the numbers %(numbers)s: they were left out.",
                len(unknown),
            )
            % {"numbers": join_names([str(pk) for pk in unknown])}
        )
    if too_many:
        notes.append(
            _("A mix holds %(most)d films at most: the first %(most)d of the link were kept.")
            % {"most": MOST_FILMS}
        )
    return notes


def _suggestions(film: Film) -> list[dict]:
    record = stored_recommendations(film)
    return record.suggestions if record else []


def _offered(film: Film, suggestions: list[dict]) -> list[Linked]:
    """A mix of one film: its closest films, to add as the second (one query)."""
    ids = [suggestion["id"] for suggestion in suggestions[:OFFERED]]
    rows = Film.objects.only("id", "slug", "title", "titles", "year").in_bulk(ids)
    return [Linked(rows[pk], like_url([film.pk, pk])) for pk in ids if pk in rows]


def _with_reasons(chosen: list[Film], records) -> list[Section]:
    """The films like the mix, with their rows, cards and why: for each chosen film it is
    like, in the order of the chosen films, the reasons in the film page's phrases."""
    levels = shown(rank(records), len(chosen))
    matches = [match for _, at_level in levels for match in at_level]
    rows = Film.objects.in_bulk([match.film_id for match in matches])
    phrases_of = SourcePhrases([reasons for m in matches for _, reasons in m.like.values()])
    can_add = len(chosen) < MOST_FILMS
    for match in matches:
        match.film = rows.get(match.film_id)
        if match.film is None:  # deleted since the last build
            continue
        match.because = [
            {
                "title": film.local_title,
                "reasons": " · ".join(phrases_of(film, match.like[film.pk][1])),
            }
            for film in chosen
            if film.pk in match.like
        ]
        if can_add:
            match.add_url = like_url([*(film.pk for film in chosen), match.film_id])
    add_card_bodies([match.film for match in matches if match.film is not None])
    sections = []
    for level, at_level in levels:
        heading, note = _section_words(len(chosen), level, first=not sections)
        found = [match for match in at_level if match.film is not None]
        sections.append(Section(level, heading, note, found))
    return sections


def _section_words(mix_size: int, level: int, first: bool) -> tuple[str, str]:
    """The heading of the films like `level` films of the mix, and what it says of them
    (`first`: no film is like more of them)."""
    if level == mix_size:
        heading = _("Like both") if mix_size == 2 else _("Like all three")
        return heading, _(
            "The closest to all of them first, not to one of them only; each with why."
        )
    if mix_size == 2:
        if first:
            return _("Like one of the two"), _("No film is like both; these are like one of them.")
        return _("Like one of the two"), _("Fewer films are like both; these are like one of them.")
    if level == 2:
        if first:
            note = _("No film is like all three; these are like two of them.")
        else:
            note = _("Fewer films are like all three; these are like two of them.")
        return _("Like two of the three"), note
    if first:
        note = _("No film is like two of them; these are like one of them, each in turn.")
    else:
        note = _("Fewer films are like two of them; these are like one of them, each in turn.")
    return _("Like one of the three"), note


def _film_to_add(
    query: str, ids: list[int]
) -> HttpResponseRedirect | tuple[list[Film], Film | None]:
    """Adding the film a visitor searched for: a redirect to the mix with it when one
    film has exactly that title (or is the only match); else the matches to pick from (none
    when nothing matches), the films of the mix left out, and the film of the mix the title
    names, if one does (it is said, not added twice, nor replaced by another match)."""
    found = search_films(
        query,
        first=MATCHES_OFFERED + len(ids),
        only=["id", "slug", "title", "titles", "year", "search_title", "search_other_titles"],
    )
    folded = normalize_query(query)
    titles = {folded, *(f"{article} {folded}" for article in LEADING_ARTICLES)}
    exact = [film for film in found if _titled(film, titles)]
    named = exact[0] if len(exact) == 1 else found[0] if len(found) == 1 else None
    if named is not None and named.pk not in ids:
        return redirect(like_url([*ids, named.pk]))
    already = named if named is not None else next((f for f in exact if f.pk in ids), None)
    return [film for film in found if film.pk not in ids][:MATCHES_OFFERED], already


def _to_pick(matches: list[Film], mix) -> list[Linked]:
    """The films matching a title, each with its directors (one query): three films are
    called Heat."""
    directors: dict[int, list[str]] = {}
    credits = Credit.objects.filter(film__in=matches, role=Credit.Role.DIRECTOR)
    for film_id, name in credits.order_by("film_id", "position").values_list(
        "film_id", "person__name"
    ):
        directors.setdefault(film_id, []).append(name)
    return [
        Linked(film, like_url([*mix, film.pk]), join_names(directors.get(film.pk, []), most=2))
        for film in matches
    ]


def _titled(film: Film, titles: set[str]) -> bool:
    others = film.search_other_titles.strip("| ").split(" | ")
    return film.search_title in titles or any(title in titles for title in others)
