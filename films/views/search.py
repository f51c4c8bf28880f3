from django.shortcuts import render

from films.models import Film
from films.views.common import paginate, querystring_without_page


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    films = Film.objects.none()
    if query:
        films = Film.objects.filter(title__icontains=query).order_by("-rating_rank", "id")
    page = paginate(request, films)
    ctx = {"query": query, "page": page, "querystring": querystring_without_page(request)}
    return render(request, "films/search.html", ctx)
