import re

from django.core.paginator import Paginator
from django.http import Http404

FILMS_PER_PAGE = 20


def paginate(request, object_list, per_page=FILMS_PER_PAGE):
    """The requested page; a page number that is not a page is a 404, never a 500."""
    paginator = Paginator(object_list, per_page, orphans=3)
    number = request.GET.get("page", "1")
    # ASCII digits only: "²".isdigit() is true, but int("²") fails.
    if not re.fullmatch(r"[0-9]{1,9}", number) or not 1 <= int(number) <= max(
        paginator.num_pages, 1
    ):
        raise Http404("No such page.")
    return paginator.page(int(number))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
