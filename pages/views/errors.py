"""The 400, 404 and 500 pages.

Django's own handlers are wrapped in `requires_csrf_token`, which checks a POST's token and
so reads its form: a form Django refused to read (say, urlencoded in latin-1) raised again
inside the handler, and gunicorn answered with its bare 500. These need no token: 400 and
500 render without the request (templates/error_without_request.html), 404 in the site's
layout, whose forms are searches (GET)."""

from django.http import HttpResponseBadRequest, HttpResponseNotFound, HttpResponseServerError
from django.template import loader


def bad_request(request, exception):
    return HttpResponseBadRequest(loader.render_to_string("400.html"))


def page_not_found(request, exception):
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))


def server_error(request):
    return HttpResponseServerError(loader.render_to_string("500.html"))
