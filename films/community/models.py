"""What visitors add to the catalog: their ratings, comments and watchlists."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone

from films.catalog.models import Film


class Vote(models.Model):
    """One visitor's stars for one film.

    Written only by films.community.vote_submit / vote_withdraw, which keep
    Film.votes_count, Film.votes_sum and the displayed rating in step in the same
    transaction: a vote changed behind their back leaves the film's figures wrong.
    """

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="votes")
    # Who voted: "user:<pk>" for a signed-in user, else the random id in the visitor's
    # signed cookie (films.community.visitors). One key per person, hence one vote per
    # person and film.
    visitor = models.CharField(max_length=40)
    # SET_NULL: a user deleted in the admin leaves their votes, so the films' figures stay
    # exact. Deleting one's own account withdraws them first (accounts.views.delete_account).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="film_votes",
    )
    stars = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="vote_stars_1_to_5"
            ),
            # Also the index the film page uses to find the visitor's own vote.
            models.UniqueConstraint(
                fields=["film", "visitor"], name="vote_one_per_visitor_and_film"
            ),
        ]
        indexes = [
            # A visitor's votes, newest first: the For you page (pages/views/for_you.py).
            models.Index(fields=["visitor", "-updated_at"], name="vote_visitor_recent_idx"),
        ]

    def __str__(self):
        return f"{self.stars} stars for film {self.film_id}"


class WatchlistEntry(models.Model):
    """A film a visitor wants to see, or said they are not interested in: one entry per
    visitor and film, so "Not interested" takes a film off the watchlist, and "Want to see"
    puts a dismissed film back. Written by films.community.services (watchlist_*)."""

    class Kind(models.TextChoices):
        WANT = "want", "Want to see"
        # Kept out of the For you page (and off the watchlist).
        NOT_INTERESTED = "not_interested", "Not interested"

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="watchlist_entries")
    # As Vote.visitor: "user:<pk>" for a signed-in user, else the cookie's random id.
    visitor = models.CharField(max_length=40)
    # CASCADE, unlike votes: a watchlist counts in no film's figures, and is the person's own.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="watchlist_entries",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # When the film got its present kind: the watchlist's "recently added" order.
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "watchlist entries"
        constraints = [
            # Visitor first: also the index of a visitor's whole list (the watchlist and
            # For you pages) and of one film's entry (the film page).
            models.UniqueConstraint(
                fields=["visitor", "film"], name="watchlist_one_per_visitor_and_film"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["want", "not_interested"]), name="watchlist_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: film {self.film_id}"


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=Comment.State.PUBLISHED)

    def newest_first(self):
        return self.order_by("-created_at", "-id")


COMMENT_NAME_MAX_LENGTH = 80
COMMENT_BODY_MAX_LENGTH = 2000
# Django's EmailField column; a form's EmailField would take 320.
COMMENT_EMAIL_MAX_LENGTH = 254


class Comment(models.Model):
    class State(models.TextChoices):
        PUBLISHED = "published", "Published"
        HELD = "held", "Held for moderation"
        HIDDEN = "hidden", "Hidden"
        # Caught by the honeypot: kept out of sight rather than thrown away, so that a
        # person caught by mistake can still be approved (see films/community/services.py).
        SPAM = "spam", "Spam (honeypot)"

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField(max_length=COMMENT_NAME_MAX_LENGTH)
    body = models.TextField(max_length=COMMENT_BODY_MAX_LENGTH)
    email = models.EmailField(
        max_length=COMMENT_EMAIL_MAX_LENGTH,
        blank=True,
        help_text="Given by the visitor; never shown.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PUBLISHED)
    created_at = models.DateTimeField(default=timezone.now)
    # A keyed hash of the visitor's address (films.community.address_hash), never the
    # address: it tells moderators which comments came from the same place, nothing more.
    ip_hash = models.CharField("address hash", max_length=64, blank=True)
    visitor = models.CharField(max_length=40, blank=True)
    # The one-time token of the form the comment was sent with: a double click or a
    # resubmitted form finds the comment already stored instead of making a second one.
    token = models.CharField(max_length=64)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["token"], name="comment_token_unique"),
            models.CheckConstraint(
                condition=Q(state__in=["published", "held", "hidden", "spam"]),
                name="comment_state_known",
            ),
            # varchar(80) is not enforced by SQLite, and a TextField has no limit anywhere.
            models.CheckConstraint(
                condition=Q(GreaterThan(Length("name"), 0))
                & Q(LessThanOrEqual(Length("name"), COMMENT_NAME_MAX_LENGTH))
                & Q(GreaterThan(Length("body"), 0))
                & Q(LessThanOrEqual(Length("body"), COMMENT_BODY_MAX_LENGTH)),
                name="comment_name_and_body_lengths",
            ),
        ]
        indexes = [
            # A film's public comments, newest first: the film page, its comments page
            # and its feed.
            models.Index(fields=["film", "state", "-created_at"], name="comment_film_state_idx"),
            # The site-wide feed of the latest public comments, and the admin's state filter.
            models.Index(fields=["state", "-created_at"], name="comment_state_created_idx"),
            # A person's comments: joining an account on sign-in, their export and the
            # deletion of their account (films.community).
            models.Index(fields=["visitor"], name="comment_visitor_idx"),
        ]

    def __str__(self):
        return f"Comment by {self.name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("films:comment", kwargs={"pk": self.pk})
