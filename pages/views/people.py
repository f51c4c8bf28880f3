from django.db.models import Count, F, Max, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from caching import fragments, whole_pages
from caching.fragments import fragment_key
from films.catalog.models import Credit, Film, Person
from pages.cards import add_card_bodies

COLLABORATORS_SHOWN = 12
BEST_KNOWN_SHOWN = 4


@whole_pages.cached_list  # their films' ratings: the average, the best known
def person_detail(request, slug, pk):
    # From the whole-page cache (caching.whole_pages, shared cache only), none. Else: the
    # person, then the number and last update of their films, which key the cached piece
    # (caching.fragments, every cache); on a miss, their credits with films and
    # their most frequent collaborators (2 queries).
    person = get_object_or_404(Person, pk=pk)
    if person.slug != slug:
        return redirect(person, permanent=True)
    films = Credit.objects.filter(person=person).aggregate(
        credits=Count("id"),
        last_updated=Max("film__updated_at"),
        # Votes change these, not updated_at: the average and the best known follow them.
        ratings=Sum("film__rating_count"),
        votes=Sum("film__votes_sum"),
    )
    key = person_page_key(person, films, request)
    html = fragments.get(key)
    if html is None:
        html = render_to_string("films/person_detail.html", _person_context(person), request)
        fragments.set(key, html)
    return HttpResponse(html)


def _person_context(person) -> dict:
    credits = list(
        Credit.objects.filter(person=person)
        .select_related("film")
        .only(
            "film_id",
            "role",
            "character",
            "film__title",
            "film__titles",
            "film__slug",
            "film__year",
            "film__rating_average",
            "film__rating_count",
        )
        # Newest first, as film sites list a career; films of no known year last.
        .order_by(F("film__year").desc(nulls_last=True), "film__title", "film_id")
    )
    by_role = {role: [c for c in credits if c.role == role] for role in Credit.Role.values}
    films = {c.film_id: c.film for c in credits}
    collaborators = _most_frequent_collaborators(person, set(films))
    years = [film.year for film in films.values() if film.year]
    rated = [film for film in films.values() if film.rating_count and film.rating_average]
    return {
        "person": person,
        "directed": by_role[Credit.Role.DIRECTOR],
        "written": by_role[Credit.Role.WRITER],
        "acted": by_role[Credit.Role.ACTOR],
        "filmographies": [
            ("directed", _("Films directed"), by_role[Credit.Role.DIRECTOR]),
            ("acted", _("Films acted in"), by_role[Credit.Role.ACTOR]),
            ("written", _("Films written"), by_role[Credit.Role.WRITER]),
        ],
        "film_total": len(films),
        "first_year": min(years, default=None),
        "last_year": max(years, default=None),
        "best_known": _best_known(rated),
        "rated_count": len(rated),
        "average_rating": (
            sum(film.rating_average for film in rated) / len(rated) if rated else None
        ),
        "collaborators": collaborators,
    }


def _best_known(rated) -> list[Film]:
    """Their films with the most ratings, the best rated first among equals: the ones
    people know them for. Read whole, for their cards."""
    ids = [
        film.pk for film in sorted(rated, key=lambda f: (-f.rating_count, -f.rating_average, f.pk))
    ][:BEST_KNOWN_SHOWN]
    if len(ids) < 2:
        return []  # one film is not a choice; the filmography says it
    films = Film.objects.in_bulk(ids)
    best = [films[pk] for pk in ids]
    add_card_bodies(best)
    return best


def _most_frequent_collaborators(person, film_ids) -> list[dict]:
    """Who shares the most films with `person`, then by name. Films are counted per
    person id first; only those who can make the list are then looked up by name: for an
    actor of 250 films that is a few dozen people rather than 4,000 (100 ms less)."""
    shared = dict(
        Credit.objects.filter(film_id__in=film_ids)
        .exclude(person=person)
        .values("person_id")
        # A collaborator who both wrote and acted in a film shares it once.
        .annotate(shared=Count("film", distinct=True))
        .values_list("person_id", "shared")
        .order_by()
    )
    if not shared:
        return []
    counts = sorted(shared.values(), reverse=True)
    least = counts[min(COLLABORATORS_SHOWN, len(counts)) - 1]
    candidates = Person.objects.filter(pk__in=[pk for pk, n in shared.items() if n >= least])
    ranked = sorted(candidates.only("id", "name", "slug"), key=lambda p: (-shared[p.pk], p.name))
    return [
        {"name": p.name, "url": p.get_absolute_url(), "shared": shared[p.pk]}
        for p in ranked[:COLLABORATORS_SHOWN]
    ]


def person_page_key(person, films: dict, request) -> str:
    """The body of a person's page, the same for every visitor. `films`: the number of
    their credits, the newest `updated_at` of their films, and their ratings' and votes'
    sums. Every change the page shows marks a film updated (a credit edited, a film or a
    collaborator renamed, by a curator or an import), changes those sums (a vote), or is
    the person's own row."""
    last_updated = films["last_updated"].isoformat() if films["last_updated"] else ""
    parts = [str(person.pk), person.name, person.slug, str(films["credits"]), last_updated]
    parts += [str(films.get("ratings")), str(films.get("votes"))]
    parts += [get_language() or "", request.scheme, request.get_host(), request.get_full_path()]
    return fragment_key("person-page", parts)
