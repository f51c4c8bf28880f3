"""Prometheus metrics (prometheus_client, and django-prometheus for the database, the cache
and the export), on only with METRICS_ALLOWED_FROM (filmsite/settings.py).

- Requests Django answers: their count and time by view, method and status, in one
  histogram (RequestMetricsMiddleware, first in MIDDLEWARE). Not django-prometheus's
  middleware, which updates a dozen metrics a request: measured in docs/operations.md.
- Pages served whole from the cache before Django (WholePageFront): their count and time by
  status, in a histogram of their own (filmsite/request_ids.py tells them apart).
- Database time (django-prometheus's wrappers of Django's backends) and the Redis cache's
  hits and misses (caching/metrics.py).

/metrics answers only the addresses of METRICS_ALLOWED_FROM, and only a request that came
straight to gunicorn; anyone else gets a 404, as if there were no such page. With several
gunicorn workers, PROMETHEUS_MULTIPROC_DIR makes it add up what every worker counted
(docs/operations.md)."""

import ipaddress
import time

from django.conf import settings
from django.http import Http404
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import Histogram

# Seconds: from the health check's fraction of a millisecond to gunicorn's 30 s timeout.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

django_requests = Histogram(
    "filmsite_django_request_duration_seconds",
    "Requests Django answered, and how long it took, by view, method and status.",
    ["view", "method", "status"],
    buckets=BUCKETS,
)
front_pages = Histogram(
    "filmsite_front_page_duration_seconds",
    "Pages served whole from the cache before Django (WholePageFront), by status.",
    ["status"],
    buckets=BUCKETS,
)
# A client may send any method: the others are counted together, so that no client can add
# label values without end.
METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE", "TRACE"})


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        labels = (
            # The URL's name, never the URL itself: as many values as the site has views.
            (match.view_name if match else "") or "<unresolved>",
            request.method if request.method in METHODS else "<other>",
            str(response.status_code),
        )
        _bound(django_requests, labels).observe(time.perf_counter() - started)
        return response


def front_page_served(status: str, seconds: float) -> None:
    _bound(front_pages, (status.split(" ", 1)[0],)).observe(seconds)


# Each histogram's children by their labels: labels() checks the values and looks the child
# up under a lock, once here for each set of labels rather than at every request.
_children: dict[tuple, Histogram] = {}


def _bound(histogram: Histogram, labels: tuple[str, ...]) -> Histogram:
    key = (histogram, *labels)
    child = _children.get(key)
    if child is None:
        child = _children[key] = histogram.labels(*labels)
    return child


def allowed(request) -> bool:
    # A proxy in front (deploy/'s nginx) sets X-Forwarded-For, and REMOTE_ADDR is then the
    # proxy's own address, perhaps an allowed one: what comes through it is refused.
    if not settings.METRICS_ALLOWED_FROM or "X-Forwarded-For" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    networks = map(ipaddress.ip_network, settings.METRICS_ALLOWED_FROM)
    return any(address in network for network in networks)


def metrics(request):
    if not allowed(request):
        raise Http404
    return ExportToDjangoView(request)
