"""The account pages. Signing in, out and the passwords are Django's own views (urls.py),
with the site's templates; these are the rest: signing up, the account page, the export
and the deletion of one's data."""

import json
import logging

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts import exports
from accounts.forms import DeleteAccountForm, SignUpForm
from caching import surrogate_keys
from films.community.exports import visitor_data, visitor_data_counts
from films.community.services import account_delete, retry_after
from films.community.visitors import get_visitor
from pages.views.community import wait_phrase

logger = logging.getLogger(__name__)


@never_cache
def account(request):
    """Signed in: the account, its data and what to do with it. Not signed in: how to
    sign in or up, and the data this browser holds."""
    counts = visitor_data_counts(get_visitor(request))
    return render(request, "accounts/account.html", {**counts, "has_data": any(counts.values())})


@sensitive_post_parameters("password1", "password2")
@never_cache
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("accounts:account")
    next_url = _safe_next(request)
    ctx = {"next": next_url}
    if request.method != "POST":
        return render(request, "accounts/sign_up.html", {**ctx, "form": SignUpForm()})
    form = SignUpForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/sign_up.html", {**ctx, "form": form}, status=400)
    # Counted once the form is right: a person correcting a typo is not making accounts.
    wait = retry_after(request, action="sign_up", visitor=get_visitor(request))
    if wait is not None:
        form.add_error(
            None,
            _("Too many accounts were made from your address: please try again in %(wait)s.")
            % {"wait": wait_phrase(wait)},
        )
        response = render(request, "accounts/sign_up.html", {**ctx, "form": form}, status=429)
        response["Retry-After"] = str(wait)
        return response
    user = form.save()
    messages.success(
        request, _("Welcome, %(name)s.") % {"name": user.get_username()}, extra_tags="account"
    )
    # Signed in at once; user_logged_in brings the browser's votes and watchlist.
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(next_url or "accounts:account")


@never_cache
def export(request, data_format):
    """The visitor's votes, watchlist and comments, as a file to download: the account's
    when signed in, else this browser's."""
    visitor = get_visitor(request)
    data = visitor_data(visitor)
    account = request.user if request.user.is_authenticated else None
    filename = f"filmsite-{timezone.now():%Y-%m-%d}.{data_format}"
    if data_format == "json":
        document = exports.as_json(data, account=account, absolute_url=request.build_absolute_uri)
        body = json.dumps(document, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        body = exports.as_csv(data, absolute_url=request.build_absolute_uri)
        # With a byte-order mark: spreadsheets then read the titles' accents right.
        response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@sensitive_post_parameters("password")
@never_cache
@login_required
def delete_account(request):
    """The account and everything recorded under it: votes (taken off the films'
    figures), watchlist and comments. Asks for the password first."""
    if request.method != "POST":
        return render(request, "accounts/delete.html", {"form": DeleteAccountForm(request)})
    form = DeleteAccountForm(request, request.POST)
    if not form.is_valid():
        return render(request, "accounts/delete.html", {"form": form}, status=400)
    try:
        account_delete(request.user.pk)
    except (DatabaseError, surrogate_keys.CacheUnreachable):
        # One transaction: nothing was deleted.
        logger.exception("Account %s could not be deleted", request.user.pk)
        form.add_error(
            None, _("Your account could not be deleted just now: nothing was. Please try again.")
        )
        return render(request, "accounts/delete.html", {"form": form}, status=503)
    logout(request)
    messages.success(
        request, _("Your account and all its data were deleted."), extra_tags="account"
    )
    return redirect("films:home")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, rate-limited by address: each request sends an email, and the site must
    not be the tool that floods someone's inbox."""

    def form_valid(self, form):
        wait = retry_after(self.request, action="password_reset", visitor=get_visitor(self.request))
        if wait is not None:
            form.add_error(
                None,
                _("Too many requests from your address: please try again in %(wait)s.")
                % {"wait": wait_phrase(wait)},
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        # An email that cannot be sent is logged by Django's form, and the page says the
        # same as when it is: no answer tells who has an account.
        return super().form_valid(form)


def _safe_next(request) -> str:
    """The page to go back to after signing up, when it is the site's own."""
    next_url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""
