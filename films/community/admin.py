"""Moderation of comments, withdrawal of votes and a look at watchlists in the admin."""

from django.contrib import admin
from django.template.defaultfilters import pluralize
from django.utils.html import format_html

from caching import surrogate_keys
from films.catalog.admin import ShowsOnPages
from films.community.models import Comment, Vote, WatchlistEntry
from films.community.services import vote_withdraw
from films.community.visitors import Visitor


@admin.register(Comment)
class CommentAdmin(ShowsOnPages):
    """Moderation: filter by state, approve or hide in bulk (a hidden comment leaves the
    film page at once), delete in bulk with the built-in action."""

    list_display = ["created_at", "name", "excerpt", "film", "state", "same_address"]
    list_filter = ["state", "created_at"]
    list_select_related = ["film"]
    search_fields = ["name", "body", "film__title", "=ip_hash"]
    actions = ["approve", "hide"]
    fields = ["film", "name", "email", "body", "state", "created_at", "ip_hash", "visitor"]
    readonly_fields = ["film", "name", "email", "body", "created_at", "ip_hash", "visitor"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request):
        return False  # comments come from visitors

    def pages_changed(self, comments, films=()) -> None:
        surrogate_keys.comments_changed({comment.film_id for comment in comments})

    @admin.display(description="comment")
    def excerpt(self, comment):
        # A plain string: the admin escapes it like every other value.
        return comment.body if len(comment.body) <= 100 else comment.body[:99] + "…"

    @admin.display(description="address hash", ordering="ip_hash")
    def same_address(self, comment):
        """The start of the address hash, linking to every comment from that address."""
        if not comment.ip_hash:
            return "-"
        return format_html(
            '<a href="?ip_hash={}" title="Comments from the same address">{}…</a>',
            comment.ip_hash,
            comment.ip_hash[:12],
        )

    @admin.action(description="Approve selected comments (publish them)")
    def approve(self, request, queryset):
        comments = list(queryset)
        count = queryset.update(state=Comment.State.PUBLISHED)
        self.pages_changed(comments)
        self.message_user(request, f"{count} comment{pluralize(count)} published.")

    @admin.action(description="Hide selected comments")
    def hide(self, request, queryset):
        comments = list(queryset)
        count = queryset.update(state=Comment.State.HIDDEN)
        self.pages_changed(comments)
        self.message_user(request, f"{count} comment{pluralize(count)} hidden.")


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Votes can be looked at and withdrawn, never edited: each change goes through
    films.community.services, which keeps the film's figures exact."""

    list_display = ["film", "stars", "visitor", "user", "updated_at"]
    list_filter = ["stars"]
    list_select_related = ["film", "user"]
    search_fields = ["film__title", "=visitor"]
    actions = ["withdraw"]
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the built-in delete would leave the films' figures wrong

    @admin.action(description="Withdraw selected votes (updates the films' ratings)")
    def withdraw(self, request, queryset):
        votes = list(queryset.values_list("film_id", "visitor"))
        for film_id, key in votes:
            # A Visitor whose key is the vote's: cookie id or "user:<pk>" alike.
            vote_withdraw(film_id=film_id, visitor=Visitor(cookie_id=key))
        self.message_user(request, f"{len(votes)} vote{pluralize(len(votes))} withdrawn.")


@admin.register(WatchlistEntry)
class WatchlistEntryAdmin(admin.ModelAdmin):
    """Looked at (and deleted, on a visitor's request), never edited: they are the visitors'
    own lists, and count in no film's figures."""

    list_display = ["film", "kind", "visitor", "user", "added_at"]
    list_filter = ["kind"]
    list_select_related = ["film", "user"]
    search_fields = ["film__title", "=visitor"]
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
