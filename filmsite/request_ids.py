"""Every request's id, in its response's X-Request-ID header and in every log line it causes.

The id is the request's own X-Request-ID when that is a UUID, with or without hyphens (the
nginx front of deploy/ sets it to nginx's $request_id, 32 hex digits), else a new one.
django-guid keeps it for the request (a context variable) and its log filter writes it in
every line (LOGGING in filmsite/settings.py); its middleware, first in MIDDLEWARE, answers it
for what Django answers. Pages served whole from the cache never reach Django: RequestIdFront,
around the WSGI application in filmsite/wsgi.py, takes the id before them and answers it too.
"""

import time

from django.conf import settings
from django_guid import set_guid
from django_guid.utils import generate_guid, validate_guid

from caching.whole_pages import WholePageFront
from filmsite import metrics

HEADER = "X-Request-ID"  # as settings.DJANGO_GUID names it
_ENVIRON_KEY = "HTTP_" + HEADER.upper().replace("-", "_")


def request_id(given: str | None) -> str:
    """The id a request goes by: the one it came with when valid, else a new one."""
    return given if given and validate_guid(given) else generate_guid()


class RequestIdFront(WholePageFront):
    """WholePageFront that gives each request its id first: the pages it serves answer it,
    and Django's middleware finds the same id in the request (the environ) for the others."""

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        given = request_id(environ.get(_ENVIRON_KEY))
        environ[_ENVIRON_KEY] = given
        set_guid(given)

        def start_with_id(status, headers, exc_info=None):
            if not any(name.lower() == HEADER.lower() for name, _ in headers):
                # Django's middleware gives the id to every response Django answers: this
                # one is a page served whole from the cache, before Django.
                headers.append((HEADER, given))
                if settings.METRICS_ALLOWED_FROM:
                    metrics.front_page_served(status, time.perf_counter() - started)
            return start_response(status, headers, exc_info)

        return super().__call__(environ, start_with_id)
