"""Key-based fragment caching: pieces of pages stored under keys that hold what they show
(`updated_at` of every film, the build time of the suggestions), so that they can never be
stale.

A vote, an admin edit, an import or a rebuild changes a key's parts, and the next request
misses and renders afresh. Nothing has to be deleted, so the same rule holds with one
worker's local memory or with Redis shared by many hosts; entries that are no longer asked
for simply expire.
"""

import hashlib

from django.core.cache import cache

TIMEOUT = 24 * 60 * 60


def fragment_key(kind: str, parts: list[str]) -> str:
    """The key of a fragment of `kind` made from `parts`, everything it shows."""
    return f"{kind}:{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:32]}"


def get(key: str):
    return cache.get(key)


def get_many(keys: list[str]) -> dict:
    return cache.get_many(keys)


def set(key: str, value) -> None:  # noqa: A001 - mirrors the cache API
    cache.set(key, value, TIMEOUT)


def set_many(values: dict) -> None:
    """Several fragments in one round trip to the cache."""
    if values:
        cache.set_many(values, TIMEOUT)
