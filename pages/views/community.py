"""Ratings and comments: the vote form, the comments page and form, a comment's permalink,
and what the film page shows of them (film_page_context)."""

import datetime
import logging
import math

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.db.models import Count, Q, Window
from django.http import JsonResponse
from django.middleware import csrf
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_http_methods

from caching import holes, surrogate_keys
from films.catalog.models import Film
from films.community.forms import STAR_CHOICES, CommentForm, VoteForm
from films.community.models import Comment
from films.community.services import (
    client_address,
    comment_submit,
    retry_after,
    visitor_film_state,
    vote_submit,
    vote_withdraw,
)
from films.community.visitors import ensure_visitor, get_visitor, remember_visitor
from pages.views.common import paginate

logger = logging.getLogger(__name__)

COMMENTS_ON_FILM_PAGE = 10
COMMENTS_PER_PAGE = 20
# As in pages.views.common.paginate: the last page takes up to this many more comments.
COMMENTS_ORPHANS = 3

HELD_MESSAGE = gettext_lazy("Thank you! Your comment will appear once a moderator has approved it.")


def film_page_context(request, film: Film) -> dict:
    """The ratings, watchlist and comments parts of the film page. Queries: the visitor's
    own vote and watchlist state (one query, none for a visitor who has never voted,
    commented or kept a watchlist) and the newest public comments with their total (one
    query, the total as a window over the same rows)."""
    comments = list(
        Comment.objects.published()
        .filter(film=film)
        .newest_first()
        .annotate(total=Window(Count("id")))[:COMMENTS_ON_FILM_PAGE]
    )
    own_stars, watchlist_state = visitor_film_state(film=film, visitor=get_visitor(request))
    return {
        "own_stars": own_stars,
        "watchlist_state": watchlist_state,
        "star_choices": STAR_CHOICES,
        "comments": comments,
        "comment_count": comments[0].total if comments else 0,
        "comment_form": CommentForm(
            initial={"stamp": holes.hole(request, "comment_stamp", film.pk)}, film_id=film.pk
        ),
    }


# --- Votes -----------------------------------------------------------------------------


def _wants_json(request) -> bool:
    # static/js/rate.js asks for JSON; a plain form post gets pages and redirects.
    return "application/json" in request.headers.get("Accept", "")


@require_http_methods(["GET", "HEAD", "POST"])
def rate(request, slug, pk):
    """Give, change or withdraw the visitor's stars for a film (POST, then redirect). The
    address opened in a browser (typed, bookmarked, or gone back to) leads to the film's
    rating form."""
    if request.method != "POST":
        film = get_object_or_404(Film.objects.only("id", "slug"), pk=pk)
        return redirect(film.get_absolute_url() + "#rate")
    film = Film.objects.filter(pk=pk).only("id", "slug", "title", "titles", "year").first()
    if film is None:
        return _refuse_vote(
            request, None, _("There is no such film. It may have been removed."), 404
        )
    visitor = ensure_visitor(request)
    withdrawing = "withdraw" in request.POST
    form = VoteForm(request.POST)
    if not withdrawing and not form.is_valid():
        return _refuse_vote(request, film, form.errors["stars"][0], 400)
    wait = retry_after(request, action="vote", visitor=visitor)
    if wait:
        return too_many_requests(
            request,
            wait=wait,
            film=film,
            action=pgettext("You have … several times", "rated films"),
        )
    try:
        if withdrawing:
            figures = vote_withdraw(film_id=film.pk, visitor=visitor)
            stars, message = None, _("Your rating was withdrawn.")
        else:
            stars = form.cleaned_data["stars"]
            figures = vote_submit(film_id=film.pk, visitor=visitor, stars=stars)
            message = _("Thank you! You gave %(title)s %(stars)s.") % {
                "title": film.local_title,
                "stars": dict(STAR_CHOICES)[stars],
            }
    except surrogate_keys.CacheUnreachable:
        logger.exception("A vote on film %s could not be stored", film.pk)
        message = _("Sorry, your rating could not be saved just now. Please try again in a moment.")
        return _refuse_vote(request, film, message, 503)
    if _wants_json(request):
        response = JsonResponse(
            {
                "stars": stars,
                "message": message,
                "rating_html": render_to_string("includes/rating_summary.html", {"film": figures}),
                "legend": render_to_string("includes/rate_legend.html", {"own_stars": stars}),
            }
        )
    else:
        messages.success(request, message, extra_tags="rate")
        response = redirect(film.get_absolute_url() + "#rate")
    remember_visitor(response, visitor)
    return response


def _refuse_vote(request, film, message, status):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    ctx = {"film": film, "error": message, "star_choices": STAR_CHOICES}
    return render(request, "films/rate_refused.html", ctx, status=status)


# --- Comments --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def film_comments(request, slug, pk):
    """All public comments on a film, newest first, and the form to add one."""
    if request.method == "POST":
        return _comment_post(request, pk)
    film = get_object_or_404(Film, pk=pk)
    if film.slug != slug:
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(
            reverse("films:comments", args=[film.slug, film.pk]) + query, permanent=True
        )
    return _comments_page(request, film, CommentForm(film_id=film.pk))


def _comments_page(request, film, form, *, status=200, list_comments=True):
    # Queries: the count and the page of comments (the film is the caller's).
    page = None
    if list_comments:
        comments = Comment.objects.published().filter(film=film).newest_first()
        page = paginate(request, comments, per_page=COMMENTS_PER_PAGE)
    ctx = {"film": film, "page": page, "comment_form": form}
    return render(request, "films/film_comments.html", ctx, status=status)


def _comment_post(request, pk):
    film = Film.objects.filter(pk=pk).first()
    if film is None:  # removed while the visitor wrote: their text is shown back
        ctx = {"kept_text": request.POST.get("body", "")}
        return render(request, "404.html", ctx, status=404)
    visitor = ensure_visitor(request)
    form = CommentForm(request.POST, film_id=film.pk)
    if not form.is_valid():
        return _comments_page(request, film, form, status=400)

    if Comment.objects.filter(token=form.token).exists():
        # The same form again (a double click, a reload of the answer): the comment was
        # stored the first time; not counted against the visitor's rate limit.
        messages.info(request, _("Your comment had already been received."), extra_tags="comments")
        return redirect(film.get_absolute_url() + "#comments")

    wait = retry_after(request, action="comment", visitor=visitor)
    if wait:
        return too_many_requests(
            request,
            wait=wait,
            film=film,
            action=pgettext("You have … several times", "commented"),
            kept_text=form.cleaned_data["body"],
        )

    try:
        submitted = comment_submit(
            film=film,
            name=form.cleaned_data["name"],
            body=form.cleaned_data["body"],
            email=form.cleaned_data["email"],
            token=form.token,
            visitor=visitor,
            address=client_address(request),
            caught_by_honeypot=form.caught_by_honeypot,
        )
    except (DatabaseError, surrogate_keys.CacheUnreachable):
        logger.exception("A comment on film %s could not be stored", film.pk)
        form.add_error(
            None,
            _(
                "Sorry, your comment could not be stored just now. Your text is below: "
                "please send it again in a moment."
            ),
        )
        # No list of comments: the database that just failed may fail again.
        return _comments_page(request, film, form, status=503, list_comments=False)

    comment = submitted.comment
    anchor = "#comments"
    if not submitted.created:
        messages.info(request, _("Your comment had already been received."), extra_tags="comments")
    elif comment.state == Comment.State.PUBLISHED:
        messages.success(request, _("Thank you! Your comment is published."), extra_tags="comments")
        anchor = f"#comment-{comment.pk}"
    else:
        # Held for its links, or caught by the honeypot: the same answer, so a bot cannot
        # tell, and the rare person caught by mistake is told the truth (a moderator can
        # approve a comment in either state).
        messages.info(request, HELD_MESSAGE, extra_tags="comments")
    response = redirect(film.get_absolute_url() + anchor)
    remember_visitor(response, visitor)
    return response


def comment_permalink(request, pk):
    """A public comment's lasting address: its film's comments page where it is shown."""
    comment = get_object_or_404(
        Comment.objects.published()
        .select_related("film")
        .only("id", "created_at", "film__id", "film__slug"),
        pk=pk,
    )
    comments = Comment.objects.published().filter(film_id=comment.film_id)
    newer = comments.filter(
        Q(created_at__gt=comment.created_at) | Q(created_at=comment.created_at, id__gt=comment.id)
    ).count()
    last_page = Paginator(
        range(comments.count()), COMMENTS_PER_PAGE, orphans=COMMENTS_ORPHANS
    ).num_pages
    number = min(newer // COMMENTS_PER_PAGE + 1, last_page)
    url = reverse("films:comments", args=[comment.film.slug, comment.film_id])
    query = f"?page={number}" if number > 1 else ""
    return redirect(f"{url}{query}#comment-{comment.pk}")


# --- A form refused by the CSRF check ------------------------------------------------


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: what went wrong and what to do, in the site's pages (Django's
    own is a bare page in English). A comment's text is shown back only when the form came
    from the site with its cookie or token lost: another site's form, refused for its
    origin, must not put its words on our page."""
    message = _(
        "Your form could not be sent. Allow cookies for this site, reload the page and try again."
    )
    if _wants_json(request):
        return JsonResponse({"error": message}, status=403)
    lost = reason in (csrf.REASON_NO_CSRF_COOKIE, csrf.REASON_CSRF_TOKEN_MISSING)
    on_comments = getattr(request.resolver_match, "url_name", None) == "comments"
    kept_text = request.POST.get("body", "") if lost and on_comments else ""
    return render(request, "403_csrf.html", {"kept_text": kept_text}, status=403)


# --- Too many requests -----------------------------------------------------------------


def too_many_requests(request, *, wait: int, film: Film, action: str, kept_text: str = ""):
    """429, with when to try again (also in Retry-After) and the visitor's text kept."""
    if _wants_json(request):
        response = JsonResponse(
            {
                "error": _("Too many requests: please try again in %(wait)s.")
                % {"wait": wait_phrase(wait)}
            },
            status=429,
        )
    else:
        ctx = {
            "film": film,
            "action": action,
            "wait": wait_phrase(wait),
            "retry_at": timezone.now() + datetime.timedelta(seconds=wait),
            "kept_text": kept_text,
        }
        response = render(request, "429.html", ctx, status=429)
    response["Retry-After"] = str(wait)
    return response


def wait_phrase(seconds: int) -> str:
    """45 -> "45 seconds", 61 -> "2 minutes", 3600 -> "60 minutes"."""
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
