"""Whole pages served from the cache without asking the database anything, for visitors
a page does not vary for: no account, no vote or comment cookie, no message waiting.

A page is stored with the stamps of what it shows: the catalog's (changed by curators,
imports and builds), the ratings' (any vote: lists are sorted by rating and show it),
and one per film whose rating or comments it shows. A change deletes its stamps; the
next read makes new ones, so every page stored with the old ones misses. A request reads
its stamps before the database, and a page is stored only with stamps read before it
was rendered: a change committed during a render leaves that render unreachable.

Every process that serves pages must see the same stamps, so this needs the cache they
share (Redis) as soon as there are several: settings.WHOLE_PAGE_CACHE, on with
REDIS_URL. The values a form needs afresh on every response (the CSRF token, the
comment form's stamp) are stored as markers and filled in when the page is served.
"""

import functools
import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from films import visitors

CATALOG = "stamp:catalog"
RATINGS = "stamp:ratings"
TIMEOUT = 24 * 60 * 60
# Stored for a stamp first read after the render: no current stamp equals it.
UNVERIFIED = ""

# Cookies that make a page the visitor's own: their session (signed in, or a message
# kept there), a message waiting, their votes and comments.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name, visitors.COOKIE_NAME)


def _new_comment_stamp(request) -> str:
    from films.forms import FormStamp  # films.forms reaches this module through community

    return FormStamp.new()


# name: (marker in the stored page, what replaces it on each response)
FRESH_VALUES = {
    "csrf_token": ("@@filmsite-fresh:csrf-token@@", get_token),
    "comment_stamp": ("@@filmsite-fresh:comment-stamp@@", _new_comment_stamp),
}


def film_stamp(film_id: int) -> str:
    return f"stamp:film:{film_id}"


# --- Changes ---------------------------------------------------------------------------


def catalog_changed() -> None:
    """A curator's edit, an import, a build: every stored page misses."""
    _forget([CATALOG])


def films_rated(film_ids) -> None:
    _forget([RATINGS, *map(film_stamp, film_ids)])


def films_changed(film_ids) -> None:
    """A film's comments or suggestions changed: the pages that show them miss."""
    _forget(list(map(film_stamp, film_ids)))


def _forget(keys: list[str]) -> None:
    # Now, and again once the change is committed: a request that read the database
    # between the two stored its page under a stamp that the second deletion forgets.
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)


def read_stamps(keys) -> dict[str, str]:
    stamps = cache.get_many(list(keys))
    # A stamp is random and never comes back: when two requests make one at once, the
    # page stored with the value overwritten misses once, nothing worse.
    new = {key: secrets.token_hex(8) for key in set(keys) - stamps.keys()}
    if new:
        cache.set_many(new, timeout=None)
    return stamps | new


# --- Serving ---------------------------------------------------------------------------


@dataclass
class StoredPage:
    stamps: dict[str, str]
    content: bytes
    content_type: str
    fresh: tuple[str, ...]  # the FRESH_VALUES whose markers it holds


@dataclass
class _Rendering:
    stamps: set[str] = field(default_factory=set)


def cached_whole_page(stamps):
    """A view decorator. `stamps(**kwargs)`: what every page of the view shows, from the
    URL's arguments; the view adds the films it shows with `shows_films`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _servable_from_cache(request):
                return view(request, *args, **kwargs)
            key = _page_key(request)
            stored, current = _stored_page_and_stamps(key)
            if stored is not None and current == stored.stamps:
                return _serve(request, stored)
            every_page = set(stamps(**kwargs))
            read = read_stamps(set(stored.stamps) if stored is not None else every_page)
            request.whole_page = _Rendering(stamps=every_page)
            response = view(request, *args, **kwargs)
            if response.streaming:
                return response
            rendered = StoredPage(
                stamps={k: read.get(k, UNVERIFIED) for k in request.whole_page.stamps},
                content=response.content,
                content_type=response["Content-Type"],
                fresh=tuple(
                    name
                    for name, (marker, _) in FRESH_VALUES.items()
                    if marker.encode() in response.content
                ),
            )
            if response.status_code == 200:
                cache.set(key, rendered, TIMEOUT)
                _remember_stamp_keys(key, rendered)
            response.content = _filled(request, rendered)
            return response

        return wrapper

    return decorator


def _catalog_and_ratings(**_):
    return [CATALOG, RATINGS]


def _catalog_and_film(pk, **_):
    return [CATALOG, film_stamp(pk)]


# Lists, search and the home page show the catalog, in rating order or with ratings.
cached_list = cached_whole_page(_catalog_and_ratings)
# A film's pages show the film with its rating and comments; the view adds what it suggests.
cached_film_page = cached_whole_page(_catalog_and_film)


# Which stamps each page was stored with, as this process last saw: a page and its stamps
# are then read in one round trip to the cache. Only which keys to read; their values
# always come from the cache.
_stamp_keys: dict[str, tuple[str, ...]] = {}
MAX_PAGES_REMEMBERED = 20_000


def _stored_page_and_stamps(key: str) -> tuple[StoredPage | None, dict]:
    stamp_keys = _stamp_keys.get(key, ())
    found = cache.get_many([key, *stamp_keys])
    stored = found.pop(key, None)
    if stored is not None and stored.stamps.keys() != set(stamp_keys):
        found = cache.get_many(list(stored.stamps))
        _remember_stamp_keys(key, stored)
    return stored, found


def _remember_stamp_keys(key: str, stored: StoredPage) -> None:
    if len(_stamp_keys) >= MAX_PAGES_REMEMBERED:
        _stamp_keys.clear()
    _stamp_keys[key] = tuple(stored.stamps)


def shows_films(request, film_ids) -> None:
    """The page being rendered shows these films' ratings or comments."""
    rendering = getattr(request, "whole_page", None)
    if rendering is not None:
        rendering.stamps.update(map(film_stamp, film_ids))


def fresh_value(request, name: str) -> str:
    """FRESH_VALUES[name] for this response, or its marker in a page being stored."""
    marker, make = FRESH_VALUES[name]
    return marker if getattr(request, "whole_page", None) is not None else make(request)


def fresh_values(request) -> dict:
    """Context processor: the CSRF token of a page being stored is a marker."""
    if getattr(request, "whole_page", None) is None:
        return {}
    return {"csrf_token": FRESH_VALUES["csrf_token"][0]}


def _servable_from_cache(request) -> bool:
    return (
        settings.WHOLE_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
    )


def _page_key(request) -> str:
    parts = [request.scheme, request.get_host(), request.get_full_path(), get_language() or ""]
    return f"page:{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:32]}"


def _filled(request, stored: StoredPage) -> bytes:
    content = stored.content
    for name in stored.fresh:
        marker, make = FRESH_VALUES[name]
        content = content.replace(marker.encode(), make(request).encode())
    return content


def _serve(request, stored: StoredPage) -> HttpResponse:
    return HttpResponse(_filled(request, stored), content_type=stored.content_type)
