"""When the database cannot be reached, or stopped a statement that ran too long
(DATABASE_STATEMENT_TIMEOUT): a 503 page that says so, asks to come back in a minute
(Retry-After) and shows back what the visitor wrote, instead of the 500 page that lost it.
Rendered without the request: its context processors may need the database."""

import logging

from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from psycopg.errors import QueryCanceled

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        timed_out = isinstance(exception.__cause__, QueryCanceled)
        if timed_out:
            logger.error("A statement ran too long on %s: %s", request.path, exception)
        else:
            logger.error("The database could not be reached: %s", exception)
        try:
            kept_text = request.POST.get("body", "") if request.method == "POST" else ""
        except BadRequest:
            kept_text = ""
        response = HttpResponse(
            loader.render_to_string("503.html", {"kept_text": kept_text, "timed_out": timed_out}),
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
