"""How every answer of the API is served: counted against its address's rate limit, from
the whole-page cache of the pages (caching/whole_pages.py) when it is there, with the
headers an HTTP cache reads, and by page.

The order, from the outside in: the whole-page cache serves a stored answer without
counting it (it costs no query); the rate limit counts the answers the database computes;
only a 200 is stored, and only it keeps the cache's `ETag` and `Surrogate-Key`.
"""

import functools
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponseBase, JsonResponse
from django_ratelimit.core import get_usage
from ninja.errors import HttpError

from api.schemas import Paging
from caching import whole_pages
from films.community.services import client_address

# Any cache may keep an answer but must ask again before each use, with the ETag: a 304
# from the whole-page cache until something the answer shows changes (its surrogate keys
# are purged). An HTTP cache in front is told of those purges instead (docs/api.md).
CACHE_CONTROL = "no-cache"
# Errors change with the request (a 429's wait) or are cheap: never stored.
ERROR_CACHE_CONTROL = "no-store"
# The whole-page cache's validators, which mean something for a stored answer only.
VALIDATORS = ("ETag", "Surrogate-Key")


def error(status: int, message: str) -> JsonResponse:
    """An error as every answer of the API gives it (schemas.Error)."""
    return JsonResponse(
        {"message": message, "errors": []},
        status=status,
        content_type="application/json; charset=utf-8",  # as django-ninja's answers
    )


def served(surrogate_keys):
    """A decorator of an API operation (ninja's decorate_view): `surrogate_keys(**kwargs)`
    names what its answers show, from the path's parameters, as for the pages."""
    cached = whole_pages.cached_whole_page(surrogate_keys)

    def decorator(run):
        inner = cached(_with_cache_control(_rate_limited(run)))

        @functools.wraps(run)
        def wrapper(request, *args, **kwargs) -> HttpResponseBase:
            response = inner(request, *args, **kwargs)
            if response.status_code not in (200, 304):
                for name in VALIDATORS:
                    response.headers.pop(name, None)
            return response

        return wrapper

    return decorator


def _with_cache_control(run):
    @functools.wraps(run)
    def wrapper(request, *args, **kwargs) -> HttpResponseBase:
        response = run(request, *args, **kwargs)
        ok = response.status_code == 200
        response["Cache-Control"] = CACHE_CONTROL if ok else ERROR_CACHE_CONTROL
        return response

    return wrapper


def _rate_limited(run):
    """django-ratelimit's counters in the default cache, by the address the votes and
    comments are counted by (films.community.services.client_address)."""

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs) -> HttpResponseBase:
        wait = retry_after(request)
        if wait is not None:
            response = error(
                429, f"Too many requests from your address: try again in {wait} seconds."
            )
            response["Retry-After"] = str(wait)
            return response
        return run(request, *args, **kwargs)

    return wrapper


def retry_after(request) -> int | None:
    """Count this request; the seconds to wait when it goes over the limit, else None."""
    rate = settings.API_RATE_LIMIT
    if rate == "off":
        return None
    address = client_address(request)
    usage = get_usage(
        request,
        group="api",
        key=lambda group, request: address,
        rate=rate,
        increment=True,
    )
    if usage is not None and usage["should_limit"]:
        return max(int(usage["time_left"]), 1)
    return None


def paginate(request, items, paging: Paging) -> tuple[list, dict[str, Any]]:
    """The page `paging` asks for of `items` (a QuerySet, ordered, or a list), and the
    fields of a Page answer. A page past the last is a 404, as on the site."""
    paginator = Paginator(items, paging.page_size)
    if paging.page > paginator.num_pages:
        raise HttpError(
            404,
            f"No page {paging.page}: there are {paginator.num_pages} pages "
            f"of {paging.page_size} results.",
        )
    page = paginator.page(paging.page)
    return list(page.object_list), {
        "count": paginator.count,
        "page": page.number,
        "page_size": paging.page_size,
        "pages": paginator.num_pages,
        "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": (
            _page_url(request, page.previous_page_number()) if page.has_previous() else None
        ),
    }


def _page_url(request, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
