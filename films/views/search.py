from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from films import page_cache, whole_pages
from films.search import normalize_query, search_films, search_people
from films.views.common import paginate, querystring_without_page

RESULTS_PER_SECTION = 10
SUGGESTIONS_PER_KIND = 5


@require_GET
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
        page_cache.add_card_bodies(ctx["page"].object_list, request)
    elif kind == "people":
        ctx["page"] = paginate(request, search_people(query))
    else:
        # One more than shown: the template links to all of them when there are more.
        ctx["films"] = search_films(query, first=RESULTS_PER_SECTION + 1)
        page_cache.add_card_bodies(ctx["films"][:RESULTS_PER_SECTION], request)
        ctx["people"] = search_people(query, first=RESULTS_PER_SECTION + 1)
    return render(request, "films/search.html", ctx)


@require_GET
def suggest(request):
    """As-you-type suggestions for the search box: a few films and people."""
    query = request.GET.get("q", "")[:1000]
    films = search_films(query, first=SUGGESTIONS_PER_KIND, only=["id", "slug", "title", "year"])
    people = search_people(query, first=SUGGESTIONS_PER_KIND, only=["id", "slug", "name"])
    results = [
        {
            "type": "film",
            "label": f"{film.title} ({film.year})" if film.year else film.title,
            "url": film.get_absolute_url(),
        }
        for film in films
    ] + [
        {"type": "person", "label": person.name, "url": person.get_absolute_url()}
        for person in people
    ]
    return JsonResponse({"query": query, "results": results})
