"""The watchlist: "Want to see", "Remove" and "Not interested" (POST forms on the film page
and on the cards of the watchlist and For you pages), and the visitor's list at /watchlist/.

The visitor is recognised as for votes (films.community.visitors): the anonymous cookie,
set by their first change, or their account. The list is never stored whole: it is the
visitor's own. Nor is there anything to purge after a change: film pages are stored whole
only for visitors without the cookie, who have no watchlist (films/community: the film
page reads the state with the visitor's vote, pages.views.community.film_page_context).
"""

from django.contrib import messages
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache

from films.catalog.models import Film
from films.community.models import WatchlistEntry
from films.community.services import (
    retry_after,
    watchlist_add,
    watchlist_dismiss,
    watchlist_remove,
)
from films.community.visitors import ensure_visitor, get_visitor, remember_visitor
from pages.cards import add_card_bodies
from pages.filters import SORT_CHOICES, SORTS, SimilarFilmFilter
from pages.views.common import chosen_sort, paginate, querystring_without_page
from pages.views.community import too_many_requests

ACTIONS = ("want", "remove", "not_interested")
# The list's orders: the catalog lists' (pages.filters), and the most recently added first.
WATCHLIST_SORTS = {"added": ("-added_at", "-id"), **SORTS}
FILTERS = ("genre", "decade", "country")  # pages.filters.SimilarFilmFilter's
WATCHLIST_SORT_CHOICES = [("added", gettext_lazy("Recently added")), *SORT_CHOICES]


# --- The forms --------------------------------------------------------------------------


@never_cache
def change(request, slug, pk):
    """Add a film to the visitor's watchlist, remove it, or say "Not interested" (POST,
    then back to the page the form was on). Anything but a POST is told what the address
    is for (405): it takes the forms of the film pages."""
    if request.method != "POST":
        film = Film.objects.filter(pk=pk).only("id", "slug", "title", "titles", "year").first()
        message = _("Use the watchlist buttons of the film’s page: this address takes their forms.")
        response = _refuse(request, film, message, 405)
        response["Allow"] = "POST"
        return response
    film = Film.objects.filter(pk=pk).only("id", "slug", "title", "titles", "year").first()
    if film is None:
        return _refuse(request, None, _("There is no such film. It may have been removed."), 404)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return _refuse(request, film, _("Choose “Want to see”, “Remove” or “Not interested”."), 400)
    visitor = ensure_visitor(request)
    wait = retry_after(request, action="watchlist", visitor=visitor)
    if wait:
        return too_many_requests(
            request,
            wait=wait,
            film=film,
            action=pgettext("You have … several times", "changed your watchlist"),
        )
    values = {"title": film.local_title}
    if action == "want":
        watchlist_add(film_id=film.pk, visitor=visitor)
        message = _("%(title)s is in your watchlist.") % values
    elif action == "remove":
        watchlist_remove(film_id=film.pk, visitor=visitor)
        message = _("%(title)s was removed from your watchlist.") % values
    else:
        watchlist_dismiss(film_id=film.pk, visitor=visitor)
        message = _("Noted: %(title)s will not be suggested to you.") % values
    messages.success(request, message, extra_tags="watchlist")
    response = redirect(_back(request, film))
    remember_visitor(response, visitor)
    return response


def _back(request, film) -> str:
    """The page the form was on (its `next` field), when it is one of this site's."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return film.get_absolute_url() + "#watchlist"


def _refuse(request, film, message, status):
    ctx = {"film": film, "error": message}
    return render(request, "films/watchlist_refused.html", ctx, status=status)


# --- The list ---------------------------------------------------------------------------


@never_cache
def watchlist(request):
    """The visitor's watchlist as film cards, 20 a page: sorted (recently added, rating,
    year, title) and filtered by genre, decade and country (those of the listed films).

    Queries: the count and the page of films, the facts of the cards not cached
    (pages.cards), the decades, genres and countries the filter offers, and one to check
    each value chosen: six for a first page with a genre chosen, or with none; none for a
    visitor without the cookie."""
    key = get_visitor(request).key
    ctx = {
        "page": None,
        **chosen_sort(request, WATCHLIST_SORT_CHOICES, "added"),
        "querystring": querystring_without_page(request),
        # With filters that match nothing, the form stays, to change them.
        "filtered": key is not None and any(request.GET.get(f) for f in FILTERS),
    }
    if key is not None:
        # The join to the visitor's entries both chooses the films and gives each the date
        # it was added, for the default order.
        films = Film.objects.filter(
            watchlist_entries__visitor=key, watchlist_entries__kind=WatchlistEntry.Kind.WANT
        ).annotate(added_at=F("watchlist_entries__added_at"))
        filterset = SimilarFilmFilter(request.GET, queryset=films)
        listed = filterset.qs if filterset.is_valid() else films.none()
        page = paginate(request, listed.order_by(*WATCHLIST_SORTS[ctx["sort"]]), shrinking=True)
        page.object_list = list(page.object_list)
        add_card_bodies(page.object_list)
        ctx.update(page=page, filter=filterset)
    return render(request, "films/watchlist.html", ctx)
