"""Cached pieces of pages, keyed so that they can never be stale.

A key holds the `updated_at` of every film the piece shows and the build time of the
suggestions it lists: a vote, an admin edit, an import or a rebuild changes one of them,
and the next request misses and renders afresh. Nothing has to be deleted, so the same
rule holds with one worker's local memory or with Redis shared by many hosts; entries
that are no longer asked for simply expire.
"""

import hashlib

from django.core.cache import cache
from django.utils.translation import get_language

TIMEOUT = 24 * 60 * 60


def similar_section_key(film, similar) -> str:
    parts = [
        str(film.pk),
        film.updated_at.isoformat(),
        similar.record.built_at.isoformat() if similar.record else "unbuilt",
        get_language() or "",
    ]
    parts += [f"{f.pk}@{f.updated_at.isoformat()}" for f in similar.films]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"similar-section:{digest}"


def get(key: str):
    return cache.get(key)


def set(key: str, value) -> None:  # noqa: A001 - mirrors the cache API
    cache.set(key, value, TIMEOUT)
