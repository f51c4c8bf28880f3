"""The kinds of page `make bench` loads, and the targets of issue 6 for each.

A kind is a name, the paths it requests (in turn, from a sample of the catalog) and its
targets: requests per second as a share of the floor's (the health check, measured in the
same run) and a 95th percentile latency. Adding a kind is adding a PageKind to KINDS;
a kind whose URL does not resolve (a page not built yet) is reported as missing. A kind
with `votes` is asked for by one visitor who has voted that many times (their cookie on
every request, from visitor_cookie).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

FLOOR = "health"
SAMPLE_FILMS = 2000
WARM_FILMS = 5
BROWSE_PAGES = 50
# The For you page's visitor: as many votes as its bound reads (pages.views.for_you).
FOR_YOU_VOTES = 200
BENCH_VISITOR = "bench-visitor-0000000000"  # a cookie id's shape: 24 URL-safe characters


@dataclass(frozen=True)
class PageKind:
    name: str
    what: str
    paths: Callable[["Sample"], list[str]]
    min_ratio: float | None = None  # of the floor's requests per second
    max_p95_ms: float | None = None
    # Pages visitors ask for again and again: each is asked for once before the measure,
    # so that it measures them as they are served most of the time, from the cache.
    warm: bool = False
    # First visits: each path is asked for once at most, so that the figures are renders
    # however fast the machine goes through the list (a repeat would come from the cache).
    once: bool = False
    # Asked for by a visitor with this many votes (visitor_cookie): a page of their own.
    votes: int = 0


class Sample:
    """Films, people and words drawn from the catalog, the same for the same seed."""

    def __init__(self, seed: int = 1):
        from films.catalog.models import Credit, Film, Person
        from pages.views.common import FILMS_PER_PAGE

        rng = random.Random(seed)
        ids = list(Film.objects.order_by("id").values_list("id", flat=True))
        self.browse_pages = min(BROWSE_PAGES, max(1, len(ids) // FILMS_PER_PAGE))
        chosen = sorted(rng.sample(ids, min(SAMPLE_FILMS, len(ids))))
        self.films = list(Film.objects.filter(id__in=chosen).only("id", "slug", "title"))
        rng.shuffle(self.films)
        # The people of those films: their casts' leads.
        leads = Credit.objects.filter(film__in=chosen, role=Credit.Role.ACTOR, position=0)
        self.people = list(
            Person.objects.filter(id__in=leads.values("person_id")).only("id", "slug", "name")
        )
        rng.shuffle(self.people)
        # The page of someone in 200 films or more is the heaviest person page there is.
        prolific = Person.objects.filter(film_count__gte=200).order_by("-film_count", "id")
        self.prolific = list(prolific[:20]) or list(
            Person.objects.order_by("-film_count", "id")[:5]
        )

    def film_paths(self, name: str, films=None) -> list[str]:
        return [reverse(name, kwargs={"slug": f.slug, "pk": f.pk}) for f in (films or self.films)]

    def title_words(self) -> list[str]:
        return [film.title.split()[0] for film in self.films if film.title.split()]

    def last_names(self) -> list[str]:
        return [person.name.split()[-1] for person in self.people]


def visitor_cookie(sample: Sample, votes: int) -> str:
    """The Cookie header of BENCH_VISITOR, after giving them `votes` votes (at most one per
    sample film) through the site's own writes: four in five of 4 or 5 stars, the others of
    1 or 2. Votes already there are kept, so a database reused between runs is voted on once.
    The cookie is signed with SECRET_KEY: the probe must run with the server's."""
    from django.http import HttpResponse

    from films.community.models import Vote
    from films.community.services import vote_submit
    from films.community.visitors import COOKIE_NAME, Visitor, remember_visitor

    visitor = Visitor(cookie_id=BENCH_VISITOR)
    voted = set(Vote.objects.filter(visitor=BENCH_VISITOR).values_list("film_id", flat=True))
    for n, film in enumerate(sample.films[:votes]):
        if film.pk not in voted:
            vote_submit(film_id=film.pk, visitor=visitor, stars=(5, 4, 5, 4, 1 + n % 2)[n % 5])
    response = HttpResponse()
    remember_visitor(response, visitor)
    return f"{COOKIE_NAME}={response.cookies[COOKIE_NAME].value}"


def _search(words: list[str]) -> list[str]:
    search = reverse("films:search")
    return [f"{search}?q={word}" for word in words]


KINDS = [
    PageKind(FLOOR, "/healthz, the cheapest view (the floor)", lambda s: [reverse("films:health")]),
    PageKind(
        "film",
        f"film page with its suggestions, {SAMPLE_FILMS} films, each once (first visits)",
        lambda s: s.film_paths("films:detail"),
        min_ratio=0.25,
        max_p95_ms=40,
        once=True,
    ),
    PageKind(
        "film-warm",
        f"film page, the same {WARM_FILMS} films again and again (warm)",
        lambda s: s.film_paths("films:detail", s.films[:WARM_FILMS]),
        min_ratio=0.70,
        max_p95_ms=40,
        warm=True,
    ),
    PageKind(
        "similar",
        "all the similar films of a film, each film once",
        lambda s: s.film_paths("films:similar"),
        once=True,
    ),
    PageKind(
        "search-films",
        "search for a word of a title, each word once",
        lambda s: _search(s.title_words()),
        min_ratio=0.30,
        max_p95_ms=40,
        once=True,
    ),
    PageKind(
        "search-people",
        "search for a person's last name, each name once",
        lambda s: _search(s.last_names()),
        min_ratio=0.30,
        max_p95_ms=40,
        once=True,
    ),
    PageKind(
        "browse",
        f"the browse page, pages 1 to {BROWSE_PAGES}",
        lambda s: [f"{reverse('films:browse')}?page={n}" for n in range(1, s.browse_pages + 1)],
        min_ratio=0.30,
        max_p95_ms=40,
        warm=True,
    ),
    PageKind(
        "api-film-warm",
        f"/api/v1/films/<id>/, a film's JSON with its similar films, the same {WARM_FILMS} "
        "films again and again (warm; first visits would meet the API's rate limit)",
        lambda s: [
            reverse("api-v1:getFilm", kwargs={"film_id": f.pk}) for f in s.films[:WARM_FILMS]
        ],
        warm=True,
    ),
    PageKind(
        "person",
        "the page of a prolific actor (200+ films)",
        lambda s: [
            reverse("films:person", kwargs={"slug": p.slug, "pk": p.pk}) for p in s.prolific
        ],
        max_p95_ms=60,
        warm=True,
    ),
    PageKind(
        "for-you",
        f"For you, of a visitor with {FOR_YOU_VOTES} votes (rendered each time, never stored)",
        lambda s: [reverse("films:for_you")],
        votes=FOR_YOU_VOTES,
    ),
]


def paths_of(kind: PageKind, sample: Sample) -> list[str] | None:
    """The kind's paths, or None when its page does not exist (yet)."""
    try:
        paths = kind.paths(sample)
    except NoReverseMatch:
        return None
    if kind.once:
        paths = list(dict.fromkeys(paths))  # a title word is in many titles
    return paths or None
