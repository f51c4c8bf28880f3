from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from films.models import Film

FILMS_PER_PAGE = 20


@require_GET
def health(request):
    """For load balancers and the benchmark's floor: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    ctx = {
        "film_count": Film.objects.count(),
        "top_rated": Film.objects.for_card().filter(rating_count__gte=20).order_by(
            "-rating_rank", "id"
        )[:12],
    }
    return render(request, "films/home.html", ctx)


def film_by_id(request, pk):
    film = get_object_or_404(Film.objects.only("id", "slug"), pk=pk)
    return redirect(film, permanent=True)


def film_detail(request, slug, pk):
    film = get_object_or_404(Film.objects.for_detail(), pk=pk)
    if film.slug != slug:
        return redirect(film, permanent=True)
    return render(request, "films/film_detail.html", {"film": film})


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    films = Film.objects.none()
    if query:
        films = Film.objects.filter(title__icontains=query).order_by("-rating_rank", "id")
    page = paginate(request, films, FILMS_PER_PAGE)
    return render(request, "films/search.html", {"query": query, "page": page})


def paginate(request, object_list, per_page):
    """The requested page; a page number that is not a page is a 404, never a 500."""
    paginator = Paginator(object_list, per_page, orphans=3)
    number = request.GET.get("page", "1")
    if not number.isdigit() or not 1 <= int(number) <= max(paginator.num_pages, 1):
        raise Http404("No such page.")
    return paginator.page(int(number))
