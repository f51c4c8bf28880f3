"""Hole punching: the values of a whole page that each response gets afresh.

A page stored whole holds a marker where a value must be new for every response: the CSRF
token of its forms (Django's, masked afresh for each response) and the values the site
registers when it starts (films/apps.py: the comment form's signed token). The markers are
filled in each time the page is served, by Django or by the WSGI front before it.
"""

import re

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware, get_token

CSRF_TOKEN = "csrf_token"
# The marker of each hole, by name; a hole may take a number (a film's id): name:number.
HOLES = {CSRF_TOKEN: "@@filmsite-hole:csrf_token@@"}
MARKER = re.compile(rb"@@filmsite-hole:([a-z_]+(?::[0-9]+)?)@@")
_fillers: dict = {}


def register_hole(name: str, make) -> None:
    """`make(number)`: the value of `name` for one response, e.g. a form's signed token
    for the film of that id (None for a hole without a number)."""
    HOLES[name] = f"@@filmsite-hole:{name}@@"
    _fillers[name] = make


def _storing(request) -> bool:
    return getattr(request, "whole_page", None) is not None


def hole(request, name: str, number: int | None = None) -> str:
    """For a page being stored, the marker of the hole `name` (for `number`); else its
    value."""
    if _storing(request):
        return HOLES[name] if number is None else f"@@filmsite-hole:{name}:{int(number)}@@"
    return get_token(request) if name == CSRF_TOKEN else _fillers[name](number)


def csrf_hole(request) -> dict:
    """Context processor: the CSRF token of a page being stored is a hole."""
    return {"csrf_token": HOLES[CSRF_TOKEN]} if _storing(request) else {}


# Django's CSRF protection, as MIDDLEWARE runs it: for a page served before Django, it reads
# the visitor's CSRF cookie and sets it again when the page holds a token.
_csrf = CsrfViewMiddleware(lambda request: HttpResponse())


def request_before_django(cookies: dict) -> HttpRequest:
    """As much of a request as the holes of a page served before Django need."""
    request = HttpRequest()
    request.COOKIES = cookies
    _csrf.process_request(request)
    return request


def csrf_cookie(request, response: HttpResponseBase) -> HttpResponseBase:
    """The response with the CSRF cookie, when a hole took the token (as Django would set
    it). CsrfViewMiddleware, further in than the page cache, has answered already: it is
    asked again now that the token has been read."""
    return _csrf.process_response(request, response)


class Filler:
    """The values one response fills a stored page's holes with: one CSRF token for every
    form of the page, as Django's context processor gives."""

    def __init__(self, request):
        self.request = request
        self.csrf_token = None

    def value(self, hole: str) -> str:
        name, _, number = hole.partition(":")
        if name != CSRF_TOKEN:
            return _fillers[name](int(number) if number else None)
        if self.csrf_token is None:
            self.csrf_token = get_token(self.request)
        return self.csrf_token
