"""Liveness and readiness, for load balancers and orchestrators."""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from caching.redis import UNREACHABLE

logger = logging.getLogger(__name__)


@require_safe
def health(request):
    """Liveness, and the benchmark's floor: the process answers. No database, no template."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_safe
def ready(request):
    """Readiness: can this process serve pages and take votes? The database answers a query
    and the shared cache takes a write (a change that cannot reach it is refused). 503,
    saying which is down, when either is not."""
    checks = {"database": _database(), "cache": _cache()}
    status = 200 if all(state == "ok" for state in checks.values()) else 503
    return JsonResponse(checks, status=status)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Readiness: the database is down: %s", error)
        return "down"
    return "ok"


def _cache() -> str:
    try:
        cache.delete("readiness-probe")  # deletes raise when Redis is out of reach
    except UNREACHABLE as error:
        logger.warning("Readiness: the cache is down: %s", error)
        return "down"
    return "ok"
