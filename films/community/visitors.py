"""Who is voting or commenting, without an account.

A visitor is recognised by a random id in a signed cookie, set the first time they vote or
comment (never on a plain visit), and by their user when signed in. Signing means a visitor
cannot forge another's id; clearing the cookie makes a new visitor, which is why votes and
comments are also rate-limited by address (films/community/services.py).
"""

import re
import secrets
from dataclasses import dataclass

from django.conf import settings

COOKIE_NAME = "filmsite_visitor"
COOKIE_SALT = "films.visitors"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# What secrets.token_urlsafe(18) makes.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{24}")


@dataclass(frozen=True)
class Visitor:
    # The random id from the cookie; None for a visitor who has not voted or commented yet.
    cookie_id: str | None
    user_id: int | None = None

    @property
    def key(self) -> str | None:
        """What their votes and comments are recorded under: the user when signed in, so
        one person's vote is the same on every browser; else the cookie's id."""
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return self.cookie_id


def _signed_in_user_id(request) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def get_visitor(request) -> Visitor:
    """The visitor as far as the request tells (no database query for a visitor without
    a session)."""
    cookie_id = request.get_signed_cookie(
        COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )
    # Ids are made below; anything else in a validly signed cookie is not ours to trust.
    if cookie_id is not None and not _looks_like_an_id(cookie_id):
        cookie_id = None
    return Visitor(cookie_id=cookie_id, user_id=_signed_in_user_id(request))


def ensure_visitor(request) -> Visitor:
    """The visitor, with a new cookie id if they had none; pass it to remember_visitor."""
    visitor = get_visitor(request)
    if visitor.cookie_id is None:
        visitor = Visitor(cookie_id=secrets.token_urlsafe(18), user_id=visitor.user_id)
    return visitor


def remember_visitor(response, visitor: Visitor) -> None:
    """Set (or renew for another year) the visitor's cookie on the response."""
    if visitor.cookie_id is None:
        return
    response.set_signed_cookie(
        COOKIE_NAME,
        visitor.cookie_id,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _looks_like_an_id(value: str) -> bool:
    return ID_PATTERN.fullmatch(value) is not None
