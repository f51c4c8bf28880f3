"""The Redis cache, counting its hits and misses for Prometheus (django-prometheus's cache
counters, backend="redis"): the RedisCache of caching/redis.py when METRICS_ALLOWED_FROM
turns the metrics on (filmsite/settings.py).

django-prometheus's own Redis backend counts get() alone, through django-redis's private
attributes; most of this site's reads are get_many() (a stored page with the versions of its
surrogate keys, in one round trip), counted here key by key, from what the calls answer."""

from django_prometheus.cache.metrics import django_cache_hits_total, django_cache_misses_total

from caching.redis import RedisCache

# Bound once: labels() on every read would cost more than the counting. Reads are hits plus
# misses (django-prometheus's django_cache_get_total is not kept up too).
_hits = django_cache_hits_total.labels(backend="redis")
_misses = django_cache_misses_total.labels(backend="redis")
_MISSING = object()


def _count(asked: int, found: int) -> None:
    if found:
        _hits.inc(found)
    if asked > found:
        _misses.inc(asked - found)


class MeasuredRedisCache(RedisCache):
    """A read of Redis while it is out of reach answers nothing: a miss."""

    def get(self, key, default=None, version=None):
        value = super().get(key, _MISSING, version)
        _count(1, value is not _MISSING)
        return default if value is _MISSING else value

    def get_many(self, keys, version=None):
        keys = list(keys)
        found = super().get_many(keys, version)
        _count(len(keys), len(found))
        return found
