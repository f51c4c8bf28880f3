"""Surrogate keys: the names of what a cached page shows, and their purge.

A whole page is stored with the surrogate keys of what it shows: `catalog` (changed by
curators, imports and builds), `ratings` (any vote: lists are sorted by rating and show it)
and `film-<id>` for each film whose rating, comments or suggestions it shows. Its response
carries them in a `Surrogate-Key` header, as Fastly and Varnish's xkey read them.

Each key has a version in the shared cache, a random number. A change purges its keys:
their versions are deleted, the next read makes new ones, and every page stored with the
old ones misses. A request reads the versions before the database, and a page is stored
only with versions read before it was rendered: a change committed during a render leaves
that render unreachable. Every process that serves pages must see the same versions, so
several processes need the cache they share (Redis).

An HTTP cache or CDN in front can be told of the same purges: SURROGATE_KEY_PURGE_HOOK names
a function that takes the purged keys (docs/operations.md, "Caching").
"""

import functools
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.module_loading import import_string

from caching.redis import UNREACHABLE

logger = logging.getLogger(__name__)

CATALOG = "catalog"
RATINGS = "ratings"
# The newest comments, which the home page shows.
COMMENTS = "comments"
# Stored for a key the page was found to show only during its render, so not read before
# it: no current version equals it, and the next request renders the page again.
UNVERIFIED = ""


def film_key(film_id: int) -> str:
    return f"film-{film_id}"


def _cache_key(name: str) -> str:
    return f"surrogate-key:{name}"


def catalog_changed() -> None:
    """A curator's edit, an import, a build: every stored page misses."""
    purge([CATALOG])


def films_rated(film_ids) -> None:
    purge([RATINGS, *map(film_key, film_ids)])


def films_changed(film_ids) -> None:
    """A film's suggestions changed: the pages that show them miss."""
    purge(list(map(film_key, film_ids)))


def comments_changed(film_ids) -> None:
    """A comment was posted or moderated: its film's pages and the newest comments miss."""
    purge([COMMENTS, *map(film_key, film_ids)])


class CacheUnreachable(Exception):
    """The shared cache could not be told of a change. The change must be refused (raised
    inside its transaction): the pages stored before it would go on showing what it
    replaced."""


def purge(names: list[str]) -> None:
    """The pages showing these surrogate keys miss from now on (and an HTTP cache in front
    is told once the change is committed)."""
    keys = list(map(_cache_key, names))
    # Now, and again once the change is committed: a request that read the database
    # between the two stored its page under a version that the second deletion forgets.
    try:
        cache.delete_many(keys)
    except UNREACHABLE as error:
        raise CacheUnreachable(str(error)) from error
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)
    if settings.SURROGATE_KEY_PURGE_HOOK:
        hook = _purge_hook(settings.SURROGATE_KEY_PURGE_HOOK)
        transaction.on_commit(lambda: hook(list(names)), robust=True)


@functools.cache
def _purge_hook(path: str):
    # Imported once, not at every vote.
    return import_string(path)


def current_versions(names) -> dict[str, int]:
    """The version of each surrogate key, made for those that have none."""
    found = read_versions(names)
    # A version is random and never comes back: when two requests make one at once, the
    # page stored with the value overwritten misses once, nothing worse. An integer: the
    # cache stores it as it is, where anything else is pickled.
    new = {name: secrets.randbits(63) for name in set(names) - found.keys()}
    if new:
        cache.set_many({_cache_key(name): v for name, v in new.items()}, timeout=None)
    return found | new


def read_versions(names, *also: str) -> dict[str, Any]:
    """The versions the cache holds for these surrogate keys, by name; with `also`, other
    cache keys read in the same round trip (a stored page), under their own keys."""
    names = list(names)
    found = cache.get_many([*map(_cache_key, names), *also])
    versions = {name: found.pop(_cache_key(name)) for name in names if _cache_key(name) in found}
    return versions | found
