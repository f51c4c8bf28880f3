"""Whole pages as the cache stores them, and this process's memory of them.

A page is stored cut at its holes (caching.holes), plainly and compressed: each piece is
deflated on its own, so that a browser asking for gzip gets the page, holes filled, without
compressing anything per response.
"""

import gzip
import hashlib
import secrets
import struct
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

from caching.holes import MARKER, Filler
from caching.surrogate_keys import read_versions

TIMEOUT = 24 * 60 * 60
# Part of every page's key: a release that changes StoredPage changes it, and never reads
# what an older release stored.
STORED_PAGE_FORMAT = 4


@dataclass
class StoredPage:
    # The surrogate keys of what it shows, with the versions read before its render.
    versions: dict[str, int | str]
    # The response's headers as every middleware left them, but its length and cookies.
    headers: list[tuple[str, str]]
    # The content cut at the holes: chunks[0], holes[0], chunks[1], ...
    chunks: tuple[bytes, ...]
    holes: tuple[str, ...]
    # Each chunk compressed into deflate blocks that end on a whole byte and refer to
    # nothing before them: a gzip stream is joined from them and the holes' values.
    deflated: tuple[bytes, ...]
    # When it was rendered (time.time()): a copy kept in a process lasts no longer than
    # the cache keeps the page (TIMEOUT).
    rendered_at: float

    @classmethod
    def of(cls, response, versions: dict[str, int | str]) -> "StoredPage":
        pieces = MARKER.split(response.content)
        chunks = tuple(pieces[0::2])
        # Django's level (django.utils.text.compress_string); a full flush starts afresh.
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return cls(
            versions=versions,
            headers=[(k, v) for k, v in response.items() if k.lower() != "content-length"],
            chunks=chunks,
            holes=tuple(name.decode() for name in pieces[1::2]),
            deflated=tuple(
                compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH) for chunk in chunks
            ),
            rendered_at=time.time(),
        )

    def content_for(self, filler: Filler, *, gzipped: bool) -> bytes:
        values = [filler.value(name).encode() for name in self.holes]
        if gzipped:
            return _gzip_joined(self.chunks, self.deflated, values)
        parts = [self.chunks[0]]
        for value, chunk in zip(values, self.chunks[1:], strict=True):
            parts += [value, chunk]
        return b"".join(parts)


def etag(key: str, versions: dict) -> str:
    """A weak validator of the page stored under `key` with these versions: the same until
    something it shows changes (weak: its holes differ from one response to the next)."""
    signature = "\0".join([key, *(f"{name}={v}" for name, v in sorted(versions.items()))])
    return f'W/"{hashlib.sha256(signature.encode()).hexdigest()[:32]}"'


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


def stored_page_and_versions(key: str) -> tuple[StoredPage | None, dict]:
    """The page stored under `key`, if any, and the current versions of its surrogate keys:
    one round trip to the cache for a page this process has met before."""
    kept = pages_kept.pop(key, None)
    if kept is not None and time.time() < kept.rendered_at + TIMEOUT:
        # Only its versions to read: when they are still those it was stored with, this
        # copy is the page the cache holds.
        current = read_versions(kept.versions)
        if current == kept.versions:
            remember(key, kept)
            return kept, current
    asked = keys_of_pages.get(key, ())
    found = read_versions(asked, key)
    stored = found.pop(key, None)
    if stored is not None and stored.versions.keys() != set(asked):
        found = read_versions(stored.versions)
    if stored is not None:
        remember(key, stored)
    return stored, found


# The surrogate keys each page was stored with, as this process last saw: a page and their
# versions are then read in one round trip to the cache. Only which keys to read; their
# versions always come from the cache. WholePageFront looks up only the pages listed here.
# The pages met least recently are forgotten first.
keys_of_pages: OrderedDict[str, tuple[str, ...]] = OrderedDict()
MAX_PAGES_REMEMBERED = 20_000
# And a copy of the pages met most recently, the popular ones: reading only their versions
# from the cache, not the page (40 KB for a film's), takes a fifth off the time of serving
# them. 10 to 25 MB a process.
pages_kept: OrderedDict[str, StoredPage] = OrderedDict()
MAX_PAGES_KEPT = 256


def remember(key: str, stored: StoredPage) -> None:
    _most_recent(keys_of_pages, key, tuple(stored.versions), MAX_PAGES_REMEMBERED)
    _most_recent(pages_kept, key, stored, MAX_PAGES_KEPT)


def _most_recent(remembered: OrderedDict, key: str, value, most: int) -> None:
    remembered[key] = value
    remembered.move_to_end(key)
    if len(remembered) > most:
        remembered.popitem(last=False)


def forget_pages_met() -> None:
    """As a process that has just started (tests)."""
    keys_of_pages.clear()
    pages_kept.clear()
