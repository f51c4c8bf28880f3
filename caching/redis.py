"""The Redis cache backend (django-redis, which keeps one client per server for the process:
Django's own makes one for every call, which costs more than the round trip that serves a
page whole from the cache), serving pages from the database while Redis is out of reach.

When Redis cannot be reached, a read misses and a write is skipped, so every page is
rendered from the database rather than refused. A delete still raises: deleting is how a
change makes the pages that showed the old data miss (caching.whole_pages), and a change
that cannot do so is refused rather than left behind stale pages. After a failure the
process leaves Redis alone for a few seconds: a Redis that does not answer would otherwise
cost every cache call of every page its timeout.
"""

import functools
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError, ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What the client raises when Redis is down, restarting or too slow to answer, or cannot
# take writes (a replica after a failover, out of memory without an eviction policy).
UNREACHABLE = (
    ConnectionInterrupted,  # django-redis's, for any of these
    RedisConnectionError,
    RedisTimeoutError,
    ReadOnlyError,
    OutOfMemoryError,
)
# How long a process leaves Redis alone after it failed to answer.
PAUSE_AFTER_FAILURE = 5.0


def _or_else(result_when_unreachable):
    """The method, answering `result_when_unreachable(*arguments)` when Redis cannot be
    reached, or failed to answer less than PAUSE_AFTER_FAILURE seconds ago."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return self._answer(method, *args, **kwargs)
            except UNREACHABLE:
                return result_when_unreachable(*args, **kwargs)

        return wrapper

    return decorator


def _key_not_found(*_, **__):
    # What incr() raises for a missing key; django-ratelimit then lets the request through
    # (RATELIMIT_FAIL_OPEN).
    raise ValueError("Redis is out of reach")


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._paused_until = 0.0

    def _answer(self, method, *args, **kwargs):
        """method(self, ...), unless Redis failed to answer a moment ago; a failure pauses
        this process's use of Redis."""
        if time.monotonic() < self._paused_until:
            raise RedisConnectionError("Redis failed to answer a moment ago")
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
            logger.warning(
                "Redis out of reach, the cache paused for %s s: %s", PAUSE_AFTER_FAILURE, error
            )
            raise

    # Deleting still raises, at once while paused: how changes make stored pages miss.
    def delete(self, key, version=None):
        return self._answer(DjangoRedisCache.delete, key, version)

    def delete_many(self, keys, version=None):
        return self._answer(DjangoRedisCache.delete_many, keys, version)

    @_or_else(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_or_else(lambda *_, **__: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_or_else(lambda *_, **__: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_or_else(lambda data, *_, **__: list(data))  # the keys not stored: all of them
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_or_else(lambda *_, **__: False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_or_else(_key_not_found)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)
