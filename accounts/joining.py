"""On sign-in, what the browser's anonymous cookie holds (votes, watchlist, comments) joins
the account, so that a person who rated films before signing up keeps them, and on every
device they sign in from. films.community.services.visitor_merge does the work."""

import logging

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from films.community.services import visitor_merge
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
    parts = []
    if merged.votes or merged.votes_doubled:
        votes = merged.votes + merged.votes_doubled
        parts.append(ngettext("%(count)d vote", "%(count)d votes", votes) % {"count": votes})
    if merged.watchlist:
        parts.append(
            ngettext(
                "%(count)d film of your watchlist",
                "%(count)d films of your watchlist",
                merged.watchlist,
            )
            % {"count": merged.watchlist}
        )
    if merged.comments:
        parts.append(
            ngettext("%(count)d comment", "%(count)d comments", merged.comments)
            % {"count": merged.comments}
        )
    if parts:
        messages.success(
            request,
            _("What you gave on this browser is now in your account: %(what)s.")
            % {"what": ", ".join(parts)},
            extra_tags="account",
        )
