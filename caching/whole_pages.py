"""Whole pages served from the cache without asking the database anything, for visitors
a page does not vary for: no account, no vote or comment cookie, no message waiting.

Three parts. Views say what their pages show with `cached_whole_page` (surrogate keys,
caching.surrogate_keys), which serves the stored page when the versions of its keys are
current. WholePageMiddleware, in MIDDLEWARE right after PageGZipMiddleware, stores what
they render with the headers every other middleware gave it, so that a stored page is the
whole response. WholePageFront, around the WSGI application (filmsite/wsgi.py), serves the
pages its process has met before Django even parses the request: about what Django's own
health check costs. Each response gets its holes filled afresh (caching.holes), and
carries `Surrogate-Key` and a weak `ETag` (a browser that sends it back gets a 304).

Every process that serves pages must see the same versions, so this needs the cache they
share (Redis) as soon as there are several: settings.WHOLE_PAGE_CACHE, on with REDIS_URL.
"""

import functools
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.http.cookie import parse_cookie
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_etags

from caching import holes
from caching.stored_pages import (
    TIMEOUT,
    StoredPage,
    etag,
    keys_of_pages,
    page_key,
    remember,
    stored_page_and_versions,
)
from caching.surrogate_keys import (
    CATALOG,
    COMMENTS,
    RATINGS,
    UNVERIFIED,
    current_versions,
    film_key,
)

logger = logging.getLogger(__name__)

# Cookies that make a page the visitor's own, besides Django's session (signed in, or a
# message kept there) and messages: the site registers its own when it starts
# (films/apps.py), and WholePageMiddleware refuses a response setting a cookie it does not
# know, so that a new cookie cannot make a stored page another visitor's.
_site_personal_cookies: set[str] = set()


def register_personal_cookie(name: str) -> None:
    _site_personal_cookies.add(name)


def _personal_cookies() -> tuple[str, ...]:
    return (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name, *_site_personal_cookies)


def _known_cookies() -> set[str]:
    """Personal cookies, and those set on every visitor alike (CSRF, language)."""
    return {*_personal_cookies(), settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}


class UnknownCookie(Exception):
    """A response sets a cookie that the whole-page cache does not know: register it."""


# --- Views ----------------------------------------------------------------------------


@dataclass
class _Rendering:
    key: str
    shows: set[str]  # the surrogate keys of what the page shows, as the view finds out
    versions: dict[str, int | str] = field(default_factory=dict)  # read before the render


@dataclass
class _Miss:
    """A page that could not be served from the cache: its key, and what was stored."""

    key: str
    stored: "StoredPage | None"


def cached_whole_page(surrogate_keys):
    """A view decorator. `surrogate_keys(**kwargs)`: what every page of the view shows, from
    the URL's arguments; the view adds the films it shows with `shows_films`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            stored_here = hasattr(request, _MIDDLEWARE_ON)
            if not (stored_here and _servable(request.META, request.COOKIES)):
                return view(request, *args, **kwargs)
            found = request.META.pop(_FRONT_MISS, None) or _lookup(page_key(request.META))
            if isinstance(found, StoredPage):
                response = HttpResponse(headers=found.headers)
                conditional = get_conditional_response(
                    request, etag=response.get("ETag"), response=response
                )
                return _fill(response, found, request) if conditional is response else conditional
            every_page = set(surrogate_keys(**kwargs))
            read = current_versions(set(found.stored.versions) if found.stored else every_page)
            request.whole_page = rendering = _Rendering(key=found.key, shows=every_page)
            response = view(request, *args, **kwargs)
            # WholePageMiddleware stores it with the versions read before the render.
            rendering.versions = {key: read.get(key, UNVERIFIED) for key in rendering.shows}
            response["Surrogate-Key"] = " ".join(sorted(rendering.shows))
            response["ETag"] = etag(rendering.key, rendering.versions)
            # The same URL gives a page of their own to visitors with personal cookies, and
            # compressed or not as the browser asks (GZipMiddleware says so only of the
            # responses it compresses itself).
            patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
            return response

        wrapper.surrogate_keys = surrogate_keys
        return wrapper

    return decorator


def _catalog(**_):
    return [CATALOG]


def _catalog_and_ratings(**_):
    return [CATALOG, RATINGS]


def _everything_lately(**_):
    return [CATALOG, RATINGS, COMMENTS]


def _catalog_and_film(pk, **_):
    return [CATALOG, film_key(pk)]


# Lists, search and people show the catalog, in rating order or with ratings.
cached_list = cached_whole_page(_catalog_and_ratings)
# The home page shows the best rated films and the newest comments.
cached_home_page = cached_whole_page(_everything_lately)
# A film's pages show the film with its rating and comments; the view adds what it suggests.
cached_film_page = cached_whole_page(_catalog_and_film)
# The index pages of genres, decades, countries and themes show the catalog alone.
cached_catalog_page = cached_whole_page(_catalog)


def shows_films(request, film_ids) -> None:
    """The page being rendered shows these films' ratings or comments."""
    rendering = getattr(request, "whole_page", None)
    if rendering is not None:
        rendering.shows.update(map(film_key, film_ids))


# --- Serving ---------------------------------------------------------------------------


def _servable(environ: dict, cookies: dict) -> bool:
    # GET only: HEAD goes to Django, which says how each view answers it (a view may
    # refuse it), at the cost of a render; the front could not tell.
    # CSRF_USE_SESSIONS keeps the CSRF secret in a session, which these visitors lack.
    return (
        settings.WHOLE_PAGE_CACHE
        and environ.get("REQUEST_METHOD") == "GET"
        and not settings.CSRF_USE_SESSIONS
        and not any(name in cookies for name in _personal_cookies())
    )


def _lookup(key: str) -> "StoredPage | _Miss":
    """The stored page, when its versions are current; else what to render it with."""
    stored, current = stored_page_and_versions(key)
    if stored is not None and current == stored.versions:
        return stored
    return _Miss(key, stored)


def _accepts_gzip(environ: dict) -> bool:
    return bool(re_accepts_gzip.search(environ.get("HTTP_ACCEPT_ENCODING", "")))


# Set on the requests that WholePageMiddleware stores the pages of.
_MIDDLEWARE_ON = "whole_page_middleware_on"
# Where WholePageFront leaves what it found for a page it could not serve (stale or not
# stored), so that the view does not read it again.
_FRONT_MISS = "filmsite.whole_page_miss"


class WholePageMiddleware:
    """After PageGZipMiddleware only: stores the pages `cached_whole_page` views render, with
    the headers every other middleware gave them, and fills in their holes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        setattr(request, _MIDDLEWARE_ON, True)
        response = self.get_response(request)
        unknown = response.cookies.keys() - _known_cookies()
        if unknown:
            raise UnknownCookie(
                f"The cookies {sorted(unknown)} are unknown to the whole-page cache: register "
                "each with caching.whole_pages.register_personal_cookie()"
            )
        rendering = getattr(request, "whole_page", None)
        if rendering is None or response.streaming:
            return response
        page = StoredPage.of(response, rendering.versions)
        if response.status_code == 200:
            cache.set(rendering.key, page, TIMEOUT)
            remember(rendering.key, page)
        return _fill(response, page, request)


class WholePageFront:
    """Around the WSGI application: a stored page this process has met is served in one
    round trip to the cache, before Django parses the request. Anything else, and a page
    whose versions changed, goes on to Django."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        key = page_key(environ) if _servable(environ, cookies) else None
        if key is not None:
            try:
                found = _lookup(key) if key in keys_of_pages else None
            except Exception:  # a cache that fails otherwise: Django answers, or says why not
                logger.exception("Whole pages: the cache could not be read")
                return self.application(environ, start_response)
            if isinstance(found, StoredPage):
                return self._serve(found, environ, cookies, start_response)
            if found is not None:
                environ[_FRONT_MISS] = found
        return self.application(environ, start_response)

    def _serve(self, found: StoredPage, environ, cookies, start_response):
        headers = dict(found.headers)
        if headers.get("ETag") in parse_etags(environ.get("HTTP_IF_NONE_MATCH", "")):
            not_modified = HttpResponseNotModified()
            for name in ("ETag", "Vary", "Content-Language", "Surrogate-Key"):
                if name in headers:
                    not_modified[name] = headers[name]
            start_response("304 Not Modified", list(not_modified.items()))
            return []
        request = holes.request_before_django(cookies)
        gzipped = _accepts_gzip(environ)
        content = found.content_for(holes.Filler(request), gzipped=gzipped)
        response_headers = [*found.headers, ("Content-Length", str(len(content)))]
        if gzipped:
            response_headers.append(("Content-Encoding", "gzip"))
        with_cookie = holes.csrf_cookie(request, HttpResponse())
        response_headers += [("Set-Cookie", c.OutputString()) for c in with_cookie.cookies.values()]
        start_response("200 OK", response_headers)
        return [content]


def _fill(response, stored: StoredPage, request) -> HttpResponseBase:
    gzipped = _accepts_gzip(request.META)
    response.content = stored.content_for(holes.Filler(request), gzipped=gzipped)
    response["Content-Length"] = str(len(response.content))
    if gzipped:  # which PageGZipMiddleware, before this one, then leaves as it is
        response["Content-Encoding"] = "gzip"
    return holes.csrf_cookie(request, response)
