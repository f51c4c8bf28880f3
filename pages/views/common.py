import re

from django.core.paginator import Paginator
from django.http import Http404

FILMS_PER_PAGE = 20


def paginate(request, object_list, per_page=FILMS_PER_PAGE, *, shrinking=False):
    """The requested page; a page number that is not a page is a 404, never a 500.
    `shrinking`: a visitor's own list, which their last removal may have made a page
    shorter; a page past its end is then its last page."""
    paginator = Paginator(object_list, per_page, orphans=3)
    number = request.GET.get("page", "1")
    # ASCII digits only: "²".isdigit() is true, but int("²") fails.
    if not re.fullmatch(r"[0-9]{1,9}", number) or int(number) < 1:
        raise Http404("No such page.")
    last = max(paginator.num_pages, 1)
    if int(number) > last and not shrinking:
        raise Http404("No such page.")
    return paginator.page(min(int(number), last))


def querystring_without_page(request) -> str:
    return querystring_without(request, "page")


def querystring_without(request, *names: str) -> str:
    """The request's query string without these parameters: what a link that sets them
    again keeps."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def chosen_sort(request, choices, default: str) -> dict:
    """The list's order from ?sort= (`default` for anything but one of `choices`, (value,
    label) pairs), and what includes/sort_nav.html needs to offer the others."""
    sort = request.GET.get("sort", default)
    if sort not in dict(choices):
        sort = default
    return {
        "sort": sort,
        "sort_choices": choices,
        "sort_querystring": querystring_without(request, "page", "sort"),
    }
