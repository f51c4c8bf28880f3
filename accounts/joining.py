"""What signing in and out does beyond Django's. On sign-in, what the browser's anonymous
cookie holds (votes, watchlist, comments) joins the account, so that a person who rated
films before signing up keeps them, and on every device they sign in from (films.community.
services.visitor_merge does the work); the visitor is told what joined. On sign-out, they
are told their lists stay in the account."""

import logging

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from films.catalog.models import Film
from films.community.services import Merged, visitor_merge
from films.community.visitors import get_visitor

logger = logging.getLogger(__name__)


def join_browser_to_account(sender, request, user, **kwargs) -> None:
    """A user_logged_in receiver."""
    if request is None:
        return
    cookie_id = get_visitor(request).cookie_id
    if cookie_id is None:
        return
    try:
        merged = visitor_merge(cookie_id=cookie_id, user_id=user.pk)
    except Exception:
        # Signing in matters more: the merge is one transaction, nothing of it was kept, and
        # the cookie's rows join at the next sign-in.
        logger.exception("The browser's votes and watchlist could not join account %s", user.pk)
        messages.warning(
            request,
            _(
                "What you gave on this browser could not join your account just now; it "
                "will the next time you sign in."
            ),
            extra_tags="account",
        )
        return
    _say_what_joined(request, merged)


# Films voted on both and changed by the merge, named in its message at most.
CHANGES_NAMED = 3


def _say_what_joined(request, merged: Merged) -> None:
    parts = []
    votes = merged.votes + len(merged.doubled)
    if votes:
        parts.append(ngettext("%(count)d rating", "%(count)d ratings", votes) % {"count": votes})
    if merged.watchlist:
        parts.append(
            ngettext(
                "%(count)d film on your watchlist",
                "%(count)d films on your watchlist",
                merged.watchlist,
            )
            % {"count": merged.watchlist}
        )
    if merged.comments:
        parts.append(
            ngettext("%(count)d comment", "%(count)d comments", merged.comments)
            % {"count": merged.comments}
        )
    if not parts:
        return
    message = _("What you gave on this browser is now in your account: %(what)s.") % {
        "what": ", ".join(parts)
    }
    # A film rated both here and in the account keeps one rating, the later: said, so that
    # a rating replaced on a borrowed browser is not lost without a word.
    changed = [(pk, kept, dropped) for pk, kept, dropped in merged.doubled if kept != dropped]
    if changed:
        titles = Film.objects.only("id", "title", "titles").in_bulk([pk for pk, _, _ in changed])
        named = [
            ngettext(
                "%(title)s: %(kept)d star, not %(dropped)d",
                "%(title)s: %(kept)d stars, not %(dropped)d",
                kept,
            )
            % {"title": titles[pk].local_title, "kept": kept, "dropped": dropped}
            for pk, kept, dropped in changed[:CHANGES_NAMED]
            if pk in titles
        ]
        more = len(changed) - CHANGES_NAMED
        if more > 0:
            named.append(ngettext("%(count)d more", "%(count)d more", more) % {"count": more})
        message += " " + _(
            "Films rated both here and in your account keep the later rating: %(films)s."
        ) % {"films": "; ".join(named)}
    messages.success(request, message, extra_tags="account")


def say_signed_out(sender, request, user, **kwargs) -> None:
    """A user_logged_out receiver: the lists of this browser look empty after signing out,
    which must not read as data lost."""
    if request is not None and user is not None:
        messages.info(
            request,
            _("You are signed out. Your ratings and watchlist stay in your account."),
            extra_tags="account",
            # A sign-out without a page to say it on (Client.logout() in tests).
            fail_silently=True,
        )
