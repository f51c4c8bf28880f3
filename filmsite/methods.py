"""OPTIONS and TRACE, answered before any view: OPTIONS with the methods an address takes
and no page, TRACE refused (it would echo the request back, and no page needs it)."""

from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import Resolver404, resolve

# The addresses that take a form; every other page is read only.
WITH_FORMS = {"films:rate", "films:comments"}
# Addresses only forms post to: a GET there is answered 405.
FORMS_ONLY = {"films:watchlist_change"}
READ_ONLY = ["GET", "HEAD", "OPTIONS"]


def allowed_methods(path: str) -> list[str] | None:
    """The methods the page at `path` answers, None when there is no page there."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name in WITH_FORMS or "admin" in match.namespaces:
        return ["GET", "HEAD", "POST", "OPTIONS"]
    if match.view_name in FORMS_ONLY:
        return ["POST", "OPTIONS"]
    return READ_ONLY


class HttpMethodsMiddleware:
    """In MIDDLEWARE after LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("OPTIONS", "TRACE"):
            return self.get_response(request)
        allowed = allowed_methods(request.path_info)
        if allowed is None:
            return self.get_response(request)  # its 404
        if request.method == "TRACE":
            return HttpResponseNotAllowed(allowed)
        response = HttpResponse(status=204)
        response["Allow"] = ", ".join(allowed)
        return response
