from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_safe

from caching import whole_pages
from pages.cards import add_card_bodies
from pages.search import (
    FILMS,
    PEOPLE,
    normalize_query,
    search_films,
    search_people,
    spelt_like,
)
from pages.views.common import paginate, querystring_without_page

RESULTS_PER_SECTION = 10
SUGGESTIONS_PER_KIND = 5


@require_safe
@whole_pages.cached_list
def search(request):
    """One box, two sections: films and people. `type=films` or `type=people` pages
    through one of them."""
    query = request.GET.get("q", "")[:1000].strip()
    kind = request.GET.get("type", "")
    if kind not in ("films", "people"):
        kind = ""
    ctx = {
        "query": query,
        "kind": kind,
        "searchable": bool(normalize_query(query)),
        "querystring": querystring_without_page(request),
    }
    if kind == "films":
        ctx["page"] = paginate(request, search_films(query))
        ctx["page"].object_list = list(ctx["page"].object_list)
        add_card_bodies(ctx["page"].object_list)
    elif kind == "people":
        ctx["page"] = paginate(request, search_people(query))
    else:
        # One more than shown: the template links to all of them when there are more.
        ctx["films"], ctx["people"] = _films_and_people(query, RESULTS_PER_SECTION + 1)
        add_card_bodies(ctx["films"][:RESULTS_PER_SECTION])
    return render(request, "films/search.html", ctx)


def _films_and_people(query: str, first: int, *, films_only=(), people_only=()):
    """The first films and people matching; when neither does, those spelt most like the
    query (perhaps misspelt: "nicholas cage"). A query that finds a person does not fill
    the films with titles that merely look like the name."""
    films = search_films(query, first=first, only=films_only, near_spellings=False)
    people = search_people(query, first=first, only=people_only, near_spellings=False)
    if films or people:
        return films, people
    return (
        spelt_like(FILMS, query, first=first, only=films_only),
        spelt_like(PEOPLE, query, first=first, only=people_only),
    )


@require_safe
def suggest(request):
    """As-you-type suggestions for the search box: a few films and people."""
    query = request.GET.get("q", "")[:1000]
    films, people = _films_and_people(
        query,
        SUGGESTIONS_PER_KIND,
        films_only=["id", "slug", "title", "titles", "year"],
        people_only=["id", "slug", "name"],
    )
    film_kind = pgettext("search suggestion", "Film")
    person_kind = pgettext("search suggestion", "Person")
    results = [
        {
            "type": "film",
            "kind": film_kind,
            "label": f"{film.local_title} ({film.year})" if film.year else film.local_title,
            "url": film.get_absolute_url(),
        }
        for film in films
    ] + [
        {
            "type": "person",
            "kind": person_kind,
            "label": person.name,
            "url": person.get_absolute_url(),
        }
        for person in people
    ]
    # What a screen reader announces (static/js/search-combobox.js), in the page's language.
    if results:
        status = ngettext(
            "%(count)d suggestion, use up and down arrows to choose.",
            "%(count)d suggestions, use up and down arrows to choose.",
            len(results),
        ) % {"count": len(results)}
    else:
        status = _("No suggestions.")
    return JsonResponse({"query": query, "results": results, "status": status})
