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
A page is stored compressed as well, cut at the same markers, so that a browser asking
for gzip gets it without compressing anything per response.

Three parts. Views say what their pages show with `cached_whole_page`, which serves
the stored page when its stamps are current. WholePageMiddleware, in MIDDLEWARE right
after PageGZipMiddleware, stores what they render with the headers every other middleware
gave it, so that a stored page is the whole response. WholePageFront, around the WSGI
application (filmsite/wsgi.py), serves the pages its process has met before Django even
parses the request: about what Django's own health check costs.
"""

import functools
import gzip
import hashlib
import logging
import re
import secrets
import struct
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from films import visitors
from filmsite.cache import UNREACHABLE

logger = logging.getLogger(__name__)

CATALOG = "stamp:catalog"
RATINGS = "stamp:ratings"
TIMEOUT = 24 * 60 * 60
# Stored for a stamp the page was found to show only during its render, so not read
# before it: no current stamp equals it, and the next request renders the page again.
UNVERIFIED = ""


def _personal_cookies() -> tuple[str, ...]:
    """Cookies that make a page the visitor's own: their session (signed in, or a message
    kept there), a message waiting, their votes and comments."""
    return (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name, visitors.COOKIE_NAME)


# What a page being stored holds in place of the values each response gets afresh.
FRESH_VALUES = {
    "csrf_token": "@@filmsite-fresh:csrf_token@@",
    "comment_stamp": "@@filmsite-fresh:comment_stamp@@",
}
_MARKER = re.compile(rb"@@filmsite-fresh:(csrf_token|comment_stamp)@@")


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


class CacheUnreachable(Exception):
    """The shared cache could not be told of a change. The change must be refused (raised
    inside its transaction): the pages stored before it would go on showing what it
    replaced."""


def _forget(keys: list[str]) -> None:
    # Now, and again once the change is committed: a request that read the database
    # between the two stored its page under a stamp that the second deletion forgets.
    try:
        cache.delete_many(keys)
    except UNREACHABLE as error:
        raise CacheUnreachable(str(error)) from error
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)


def read_stamps(keys) -> dict[str, int]:
    stamps = cache.get_many(list(keys))
    # A stamp is random and never comes back: when two requests make one at once, the
    # page stored with the value overwritten misses once, nothing worse. An integer: the
    # cache stores it as it is, where anything else is pickled.
    new = {key: secrets.randbits(63) for key in set(keys) - stamps.keys()}
    if new:
        cache.set_many(new, timeout=None)
    return stamps | new


# --- Views ----------------------------------------------------------------------------


@dataclass
class _Rendering:
    key: str
    shows: set[str]  # the stamps of what the page shows, as the view finds out
    stamps: dict[str, int | str] = field(default_factory=dict)  # read before the render


@dataclass
class _Miss:
    """A page that could not be served from the cache: its key, and what was stored."""

    key: str
    stored: "StoredPage | None"


def cached_whole_page(stamps):
    """A view decorator. `stamps(**kwargs)`: what every page of the view shows, from the
    URL's arguments; the view adds the films it shows with `shows_films`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            stored_here = hasattr(request, _MIDDLEWARE_ON)
            if not (stored_here and _servable(request.META, request.COOKIES)):
                return view(request, *args, **kwargs)
            found = request.META.pop(_FRONT_MISS, None) or _lookup(page_key(request.META))
            if isinstance(found, StoredPage):
                response = HttpResponse(headers=found.headers)
                _fill(response, found, request)
                return response
            every_page = set(stamps(**kwargs))
            read = read_stamps(set(found.stored.stamps) if found.stored else every_page)
            request.whole_page = rendering = _Rendering(key=found.key, shows=every_page)
            response = view(request, *args, **kwargs)
            # WholePageMiddleware stores it with the stamps read before the render.
            rendering.stamps = {key: read.get(key, UNVERIFIED) for key in rendering.shows}
            # The same URL gives a page of their own to visitors with personal cookies, and
            # compressed or not as the browser asks (GZipMiddleware says so only of the
            # responses it compresses itself).
            patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
            return response

        return wrapper

    return decorator


def _catalog(**_):
    return [CATALOG]


def _catalog_and_ratings(**_):
    return [CATALOG, RATINGS]


def _catalog_and_film(pk, **_):
    return [CATALOG, film_stamp(pk)]


# Lists, search and the home page show the catalog, in rating order or with ratings.
cached_list = cached_whole_page(_catalog_and_ratings)
# A film's pages show the film with its rating and comments; the view adds what it suggests.
cached_film_page = cached_whole_page(_catalog_and_film)
# A person's page shows the catalog alone: their films and collaborators, no rating.
cached_person_page = cached_whole_page(_catalog)


def shows_films(request, film_ids) -> None:
    """The page being rendered shows these films' ratings or comments."""
    rendering = getattr(request, "whole_page", None)
    if rendering is not None:
        rendering.shows.update(map(film_stamp, film_ids))


def fresh_value(request, name: str) -> str:
    """For a page being stored, the marker of FRESH_VALUES[name]; else its value."""
    if getattr(request, "whole_page", None) is not None:
        return FRESH_VALUES[name]
    return get_token(request) if name == "csrf_token" else _new_comment_stamp()


def fresh_values(request) -> dict:
    """Context processor: the CSRF token of a page being stored is a marker."""
    if getattr(request, "whole_page", None) is None:
        return {}
    return {"csrf_token": FRESH_VALUES["csrf_token"]}


def _new_comment_stamp() -> str:
    from films.forms import FormStamp  # films.forms reaches this module through community

    return FormStamp.new()


# --- Stored pages ----------------------------------------------------------------------


# Part of every page's key: a release that changes StoredPage changes it, and never reads
# what an older release stored.
STORED_PAGE_FORMAT = 3


@dataclass
class StoredPage:
    stamps: dict[str, int | str]
    # The response's headers as every middleware left them, but its length and cookies.
    headers: list[tuple[str, str]]
    # The content cut where fresh values go: chunks[0], fresh[0], chunks[1], ...
    chunks: tuple[bytes, ...]
    fresh: tuple[str, ...]
    # Each chunk compressed into deflate blocks that end on a whole byte and refer to
    # nothing before them: a gzip stream is joined from them and the fresh values.
    deflated: tuple[bytes, ...]
    # When it was rendered (time.time()): a copy kept in a process lasts no longer than
    # the cache keeps the page (TIMEOUT).
    rendered_at: float

    @classmethod
    def of(cls, response, stamps: dict[str, int | str]) -> "StoredPage":
        pieces = _MARKER.split(response.content)
        chunks = tuple(pieces[0::2])
        # Django's level (django.utils.text.compress_string); a full flush starts afresh.
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return cls(
            stamps=stamps,
            headers=[(k, v) for k, v in response.items() if k.lower() != "content-length"],
            chunks=chunks,
            fresh=tuple(name.decode() for name in pieces[1::2]),
            deflated=tuple(
                compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH) for chunk in chunks
            ),
            rendered_at=time.time(),
        )

    def content_for(self, fresh: "_Fresh", *, gzipped: bool) -> bytes:
        values = [fresh.value(name).encode() for name in self.fresh]
        if gzipped:
            return _gzip_joined(self.chunks, self.deflated, values)
        parts = [self.chunks[0]]
        for value, chunk in zip(values, self.chunks[1:], strict=True):
            parts += [value, chunk]
        return b"".join(parts)


# RFC 1952: a gzip member's header, with no time and a file name to follow (as Django's
# GZipMiddleware gives: a random length of it mitigates BREACH, and the CSRF token is
# masked afresh for each response anyway).
_GZIP_HEADER = bytes([0x1F, 0x8B, zlib.DEFLATED, gzip.FNAME, 0, 0, 0, 0, 0, 255])
# RFC 1951: a final block of fixed codes holding only its end.
_LAST_DEFLATE_BLOCK = b"\x03\x00"
_MOST_IN_A_STORED_BLOCK = 0xFFFF


def _gzip_joined(chunks, deflated, values) -> bytes:
    """The gzip stream of chunks[0] + values[0] + chunks[1] + ..., from the deflated chunks
    and each value as a stored block (RFC 1951, 3.2.4): the whole page's checksum is all
    that is computed."""
    name = b"a" * secrets.randbelow(GZipMiddleware.max_random_bytes) + b"\0"
    parts = [_GZIP_HEADER, name, deflated[0]]
    crc, length = zlib.crc32(chunks[0]), len(chunks[0])
    for value, chunk, block in zip(values, chunks[1:], deflated[1:], strict=True):
        for start in range(0, len(value), _MOST_IN_A_STORED_BLOCK):
            piece = value[start : start + _MOST_IN_A_STORED_BLOCK]
            parts += [b"\0", struct.pack("<HH", len(piece), len(piece) ^ 0xFFFF), piece]
        parts.append(block)
        crc = zlib.crc32(chunk, zlib.crc32(value, crc))
        length += len(value) + len(chunk)
    parts += [_LAST_DEFLATE_BLOCK, struct.pack("<II", crc, length & 0xFFFFFFFF)]
    return b"".join(parts)


def _accepts_gzip(environ: dict) -> bool:
    return bool(re_accepts_gzip.search(environ.get("HTTP_ACCEPT_ENCODING", "")))


def _stored_page_and_stamps(key: str) -> tuple[StoredPage | None, dict]:
    kept = _pages_kept.pop(key, None)
    if kept is not None and time.time() < kept.rendered_at + TIMEOUT:
        # Only its stamps to read: when they are still those it was stored with, this copy
        # is the page the cache holds.
        current = cache.get_many(list(kept.stamps))
        if current == kept.stamps:
            _remember(key, kept)
            return kept, current
    stamp_keys = _stamp_keys.get(key, ())
    found = cache.get_many([key, *stamp_keys])
    stored = found.pop(key, None)
    if stored is not None and stored.stamps.keys() != set(stamp_keys):
        found = cache.get_many(list(stored.stamps))
    if stored is not None:
        _remember(key, stored)
    return stored, found


# Which stamps each page was stored with, as this process last saw: a page and its stamps
# are then read in one round trip to the cache. Only which keys to read; their values
# always come from the cache. WholePageFront looks up only the pages listed here. The
# pages met least recently are forgotten first.
_stamp_keys: OrderedDict[str, tuple[str, ...]] = OrderedDict()
MAX_PAGES_REMEMBERED = 20_000
# And a copy of the pages met most recently, the popular ones: reading only their stamps
# from the cache, not the page (40 KB for a film's), takes a fifth off the time of serving
# them. 10 to 25 MB a process.
_pages_kept: OrderedDict[str, StoredPage] = OrderedDict()
MAX_PAGES_KEPT = 256


def _remember(key: str, stored: StoredPage) -> None:
    for remembered, value, most in (
        (_stamp_keys, tuple(stored.stamps), MAX_PAGES_REMEMBERED),
        (_pages_kept, stored, MAX_PAGES_KEPT),
    ):
        remembered[key] = value
        remembered.move_to_end(key)
        if len(remembered) > most:
            remembered.popitem(last=False)


def forget_pages_met() -> None:
    """As a process that has just started (tests)."""
    _stamp_keys.clear()
    _pages_kept.clear()


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


def page_key(environ: dict) -> str:
    """The key of the page a request asks for, from what Django builds that page from:
    the scheme (and the proxy's header that may change it), the host, the path (which
    holds the language) and the query string. Only pages rendered for a host Django
    accepted are stored, so a key of any other host finds nothing."""
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    parts = [
        environ.get("wsgi.url_scheme", ""),
        environ.get(proxy_header[0], "") if proxy_header else "",
        environ.get("HTTP_HOST", ""),
        environ.get("SERVER_NAME", ""),
        environ.get("SERVER_PORT", ""),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
    ]
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
    return f"page:{STORED_PAGE_FORMAT}:{digest}"


# --- Serving ---------------------------------------------------------------------------


def _lookup(key: str) -> "StoredPage | _Miss":
    """The stored page, when its stamps are current; else what to render it with."""
    stored, current = _stored_page_and_stamps(key)
    if stored is not None and current == stored.stamps:
        return stored
    return _Miss(key, stored)


# Set on the requests that WholePageMiddleware stores the pages of.
_MIDDLEWARE_ON = "whole_page_middleware_on"
# Where WholePageFront leaves what it found for a page it could not serve (stale or not
# stored), so that the view does not read it again.
_FRONT_MISS = "filmsite.whole_page_miss"


class WholePageMiddleware:
    """After PageGZipMiddleware only: stores the pages `cached_whole_page` views render, with the
    headers every other middleware gave them, and fills in their fresh values."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        setattr(request, _MIDDLEWARE_ON, True)
        response = self.get_response(request)
        rendering = getattr(request, "whole_page", None)
        if rendering is None or response.streaming:
            return response
        page = StoredPage.of(response, rendering.stamps)
        if response.status_code == 200:
            cache.set(rendering.key, page, TIMEOUT)
            _remember(rendering.key, page)
        _fill(response, page, request)
        return response


class WholePageFront:
    """Around the WSGI application: a stored page this process has met is served in one
    round trip to the cache, before Django parses the request. Anything else, and a page
    whose stamps changed, goes on to Django."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        key = page_key(environ) if _servable(environ, cookies) else None
        if key in _stamp_keys:
            try:
                found = _lookup(key)
            except Exception:  # a cache that fails otherwise: Django answers, or says why not
                logger.exception("Whole pages: the cache could not be read")
                return self.application(environ, start_response)
            if isinstance(found, StoredPage):
                fresh = _Fresh(cookies)
                gzipped = _accepts_gzip(environ)
                content = found.content_for(fresh, gzipped=gzipped)
                headers = [*found.headers, ("Content-Length", str(len(content)))]
                if gzipped:
                    headers.append(("Content-Encoding", "gzip"))
                if fresh.csrf_secret is not None:
                    headers.append(("Set-Cookie", _cookie_header(**fresh.csrf_cookie())))
                start_response("200 OK", headers)
                return [content]
            environ[_FRONT_MISS] = found
        return self.application(environ, start_response)


def _fill(response, stored: StoredPage, request) -> None:
    fresh = _Fresh.for_request(request)
    gzipped = _accepts_gzip(request.META)
    response.content = stored.content_for(fresh, gzipped=gzipped)
    response["Content-Length"] = str(len(response.content))
    if gzipped:  # which PageGZipMiddleware, before this one, then leaves as it is
        response["Content-Encoding"] = "gzip"
    if fresh.csrf_secret is not None:
        response.set_cookie(**fresh.csrf_cookie())


def _cookie_header(key, value, *, max_age, **attributes) -> str:
    """The Set-Cookie header that HttpResponse.set_cookie() would give, without making a
    response for it (a third of the time of a page from the cache). `value`: letters and
    digits, which a cookie holds as they are (a CSRF secret: _Fresh.csrf_token checks it)."""
    # All but the value is the same for every response of a second: made once.
    return _cookie_header_of_second(key, int(time.time()), max_age, **attributes).replace(
        _VALUE_STAND_IN, value, 1
    )


_VALUE_STAND_IN = "cookievaluestandin"


@functools.lru_cache(maxsize=4)
def _cookie_header_of_second(key, now, max_age, *, path, domain, secure, httponly, samesite):
    morsel = SimpleCookie({key: _VALUE_STAND_IN})[key]
    if max_age is not None:  # else a cookie for the browser's session
        morsel["expires"] = http_date(now + max_age)
        morsel["max-age"] = int(max_age)
    if path is not None:
        morsel["path"] = path
    if domain is not None:
        morsel["domain"] = domain
    if secure:
        morsel["secure"] = True
    if httponly:
        morsel["httponly"] = True
    if samesite:
        if samesite.lower() not in ("lax", "none", "strict"):
            raise ValueError('samesite must be "lax", "none", or "strict".')
        morsel["samesite"] = samesite
    return morsel.output(header="")


# --- Fresh values ----------------------------------------------------------------------


class _Fresh:
    """The values one response fills a stored page with, from the visitor's cookies."""

    def __init__(self, cookies: dict, known_csrf_secret: str | None = None):
        self.cookies = cookies
        self.known_csrf_secret = known_csrf_secret
        self.csrf_secret = None  # once the page uses one: its cookie goes with the response
        self._csrf_token = None

    @classmethod
    def for_request(cls, request) -> "_Fresh":
        # The secret CsrfViewMiddleware holds for the request, when it has read or made
        # one: it sets the cookie to that one on the way out.
        return cls(request.COOKIES, known_csrf_secret=request.META.get("CSRF_COOKIE"))

    def value(self, name: str) -> str:
        return self.csrf_token() if name == "csrf_token" else _new_comment_stamp()

    def csrf_token(self) -> str:
        """A token for the visitor's CSRF secret, or for a new one when they have none, as
        django.middleware.csrf.get_token gives. Made here because Django draws each of
        its 64 random characters with secrets.choice: 0.3 ms a page, as much as serving
        the health check."""
        if self.csrf_secret is None:  # one secret for every form of the page
            secret = self.known_csrf_secret or self.cookies.get(settings.CSRF_COOKIE_NAME, "")
            if not _CSRF_SECRET.fullmatch(secret):
                secret = _random_csrf_chars(CSRF_SECRET_LENGTH)
            # Django sends the cookie whenever a page uses it, so it lasts another year.
            self.csrf_secret = secret
            # One token for every form of the page, as Django's context processor gives.
            self._csrf_token = _masked(secret)
        return self._csrf_token

    def csrf_cookie(self) -> dict:
        """The cookie of the secret, as CsrfViewMiddleware sets it (set_cookie's arguments)."""
        return {
            "key": settings.CSRF_COOKIE_NAME,
            "value": self.csrf_secret,
            "max_age": settings.CSRF_COOKIE_AGE,
            "domain": settings.CSRF_COOKIE_DOMAIN,
            "path": settings.CSRF_COOKIE_PATH,
            "secure": settings.CSRF_COOKIE_SECURE,
            "httponly": settings.CSRF_COOKIE_HTTPONLY,
            "samesite": settings.CSRF_COOKIE_SAMESITE,
        }


_CSRF_SECRET = re.compile(f"[A-Za-z0-9]{{{CSRF_SECRET_LENGTH}}}")
# (secret character, mask character): cipher character, as Django's masking adds them.
_CSRF_SUM = {
    (x, y): CSRF_ALLOWED_CHARS[(i + j) % len(CSRF_ALLOWED_CHARS)]
    for i, x in enumerate(CSRF_ALLOWED_CHARS)
    for j, y in enumerate(CSRF_ALLOWED_CHARS)
}
# Random bytes to characters: the 248 lowest values (4 × 62) each to one character, so
# every character is as likely; the 8 highest are dropped.
_CSRF_BYTES_TO_CHARS = bytes(CSRF_ALLOWED_CHARS.encode()[b % 62] for b in range(248)) + bytes(8)
_CSRF_DROPPED = bytes(range(248, 256))


def _random_csrf_chars(length: int) -> str:
    chars = b""
    while len(chars) < length:
        chars += secrets.token_bytes(length).translate(_CSRF_BYTES_TO_CHARS, _CSRF_DROPPED)
    return chars[:length].decode()


def _masked(secret: str) -> str:
    # django.middleware.csrf._mask_cipher_secret: a new mask on each response, so the
    # token never repeats from one response to the next (a compressed page cannot give the
    # secret away).
    mask = _random_csrf_chars(CSRF_SECRET_LENGTH)
    return mask + "".join(map(_CSRF_SUM.__getitem__, zip(secret, mask, strict=True)))
