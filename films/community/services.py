"""Ratings, comments and watchlists: the writes, and the defences that keep them honest.

Votes: one per visitor and film (films.community.visitors, UniqueConstraint), written with
the film's counters in one transaction so the figures are exact however many visitors vote at once.

Comments, and the spam defences that do not bother people (the README has the reasons):
- a honeypot field people never see (films.community.forms.CommentForm): a comment that fills it is
  answered like a held one and stored as spam, out of sight, so a bot learns nothing and a
  person caught by mistake can still be approved by a moderator;
- a minimum time between showing the form and sending it (films.community.forms.FormStamp);
- rate limits per visitor and per address (retry_after, with django-ratelimit);
- comments with several links held for moderation (comment_state).
"""

import ipaddress
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_ratelimit.core import get_usage

from caching import surrogate_keys
from films.catalog.models import Film
from films.catalog.ratings import apply_combined_rating
from films.community.models import Comment, Vote, WatchlistEntry
from films.community.visitors import Visitor

MIN_STARS = 1
MAX_STARS = 5

# Rates as django-ratelimit writes them ("5/10m": 5 per 10 minutes), counted in the default
# cache: the local memory of each worker, or Redis shared by all with REDIS_URL. Generous
# for a person, tight for a script; a visitor who clears their cookie is still one address.
RATE_LIMITS = {
    "comment": {"visitor": "5/10m", "address": "20/h"},
    "vote": {"address": "60/10m"},
    # Adding and removing is quicker than rating: a person clears a list in a few clicks.
    "watchlist": {"address": "120/10m"},
    # Accounts made, and password resets asked for (an email each): a person needs one or
    # two.
    "sign_up": {"address": "10/h"},
    "password_reset": {"address": "10/h"},
}

# Two links or more and a comment waits for a moderator: one link is a person sharing a
# review; several are how spam looks.
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
LINKS_HELD_FOR_MODERATION = 2


# --- Votes -----------------------------------------------------------------------------


def vote_submit(*, film_id: int, visitor: Visitor, stars: int) -> Film:
    """Record the visitor's stars for the film, or change their earlier vote; returns the
    film with its new figures. Raises Film.DoesNotExist and ValueError (not a vote)."""
    if isinstance(stars, bool) or not isinstance(stars, int) or not MIN_STARS <= stars <= MAX_STARS:
        raise ValueError(f"A vote is from {MIN_STARS} to {MAX_STARS} stars, not {stars!r}.")
    return _change_vote(film_id=film_id, visitor=visitor, stars=stars)


def vote_withdraw(*, film_id: int, visitor: Visitor) -> Film:
    """Remove the visitor's vote for the film, if any; returns the film's new figures."""
    return _change_vote(film_id=film_id, visitor=visitor, stars=None)


def visitor_film_state(*, film: Film, visitor: Visitor) -> tuple[int | None, str | None]:
    """The visitor's stars for the film and its watchlist kind (WatchlistEntry.Kind), each
    None when there is none: one query, none for a visitor we have not met."""
    if visitor.key is None:
        return None, None
    mine = {"film": film, "visitor": visitor.key}
    state = (
        Film.objects.filter(pk=film.pk)
        .values_list(
            Subquery(Vote.objects.filter(**mine).values("stars")[:1]),
            Subquery(WatchlistEntry.objects.filter(**mine).values("kind")[:1]),
        )
        .first()
    )
    return state if state is not None else (None, None)


def _change_vote(*, film_id: int, visitor: Visitor, stars: int | None) -> Film:
    if visitor.key is None:
        raise ValueError(
            "A vote needs a visitor: call films.community.visitors.ensure_visitor first."
        )
    with transaction.atomic():
        locked = _locked_films([film_id])
        if not locked:
            raise Film.DoesNotExist(f"No film {film_id}.")
        film = locked[0]
        previous = Vote.objects.filter(film_id=film_id, visitor=visitor.key).first()
        if previous is None and stars is None:
            return film
        if previous is None:
            assert stars is not None  # a withdrawal of no vote returned above
            Vote.objects.create(
                film_id=film_id, visitor=visitor.key, user_id=visitor.user_id, stars=stars
            )
            _recount(film, count_change=1, sum_change=stars)
        elif stars is None:
            previous.delete()
            _recount(film, count_change=-1, sum_change=-previous.stars)
        else:
            Vote.objects.filter(pk=previous.pk).update(stars=stars, updated_at=timezone.now())
            _recount(film, count_change=0, sum_change=stars - previous.stars)
    return film


def _locked_films(film_ids) -> list[Film]:
    """The films, locked until the transaction ends, in id order: their votes are then
    written one after the other, each reading the votes and counters the one before it
    committed, and two writers locking several films cannot wait for each other. (SQLite
    has no row locks; its IMMEDIATE transactions, see settings, already take the database's
    write lock at BEGIN.)"""
    return list(
        Film.objects.select_for_update()
        .filter(pk__in=film_ids)
        .order_by("pk")
        .only(
            "id",
            "source",
            "catalog_rating_average",
            "catalog_rating_count",
            "catalog_rating_kind",
            "votes_count",
            "votes_sum",
        )
    )


def _recount(film: Film, *, count_change: int, sum_change: int) -> None:
    """The film's vote counters and displayed rating after a vote changed (the film
    locked by _locked_films, in the transaction of the change)."""
    _recount_films({film.pk: film}, {film.pk: (count_change, sum_change)})


def _recount_films(films: dict[int, Film], changes: dict[int, tuple[int, int]]) -> None:
    """Several films' counters and displayed ratings after their votes changed, by film id
    (votes count change, stars sum change): one statement for them all. The films must be
    locked by _locked_films in the transaction of the change, so the counters read then are
    still the database's: nothing can have changed them since."""
    changed = []
    now = timezone.now()
    for film_id, (count_change, sum_change) in changes.items():
        if count_change == 0 and sum_change == 0:
            continue
        film = films[film_id]
        film.votes_count += count_change
        film.votes_sum += sum_change
        apply_combined_rating(film)
        # Cached pages that show this film's rating are keyed on updated_at.
        film.updated_at = now
        changed.append(film)
    if not changed:
        return
    Film.objects.bulk_update(
        changed,
        [
            "votes_count",
            "votes_sum",
            "rating_average",
            "rating_count",
            "rating_rank",
            "renown",
            "updated_at",
        ],
    )
    surrogate_keys.films_rated([film.pk for film in changed])


# --- The watchlist ---------------------------------------------------------------------


def watchlist_add(*, film_id: int, visitor: Visitor) -> WatchlistEntry:
    """The film on the visitor's watchlist ("Want to see"), also after "Not interested"."""
    return _set_watchlist_kind(film_id=film_id, visitor=visitor, kind=WatchlistEntry.Kind.WANT)


def watchlist_dismiss(*, film_id: int, visitor: Visitor) -> WatchlistEntry:
    """Not interested: the film leaves the visitor's For you page and their watchlist."""
    return _set_watchlist_kind(
        film_id=film_id, visitor=visitor, kind=WatchlistEntry.Kind.NOT_INTERESTED
    )


def watchlist_remove(*, film_id: int, visitor: Visitor) -> bool:
    """The film off the visitor's watchlist; False when it was not on it. A film dismissed
    stays dismissed: removing it from the list is not wanting it in For you again."""
    if visitor.key is None:
        return False
    deleted, _ = WatchlistEntry.objects.filter(
        film_id=film_id, visitor=visitor.key, kind=WatchlistEntry.Kind.WANT
    ).delete()
    return deleted > 0


def _set_watchlist_kind(*, film_id: int, visitor: Visitor, kind: str) -> WatchlistEntry:
    if visitor.key is None:
        raise ValueError(
            "A watchlist needs a visitor: call films.community.visitors.ensure_visitor first."
        )
    with transaction.atomic():
        if visitor.user_id is not None:
            _wait_for_merges(visitor.user_id)
        # get_or_create: of two requests at once for a new entry, the unique constraint lets
        # one create it and the other read it.
        entry, created = WatchlistEntry.objects.select_for_update().get_or_create(
            film_id=film_id,
            visitor=visitor.key,
            defaults={"kind": kind, "user_id": visitor.user_id},
        )
        if not created and entry.kind != kind:
            entry.kind = kind
            entry.added_at = timezone.now()
            entry.save(update_fields=["kind", "added_at"])
    return entry


# --- A person's data: joining an account, leaving it -----------------------------------


@dataclass(frozen=True)
class Merged:
    """What joined the account on sign-in: votes moved, films voted on both (film id, the
    stars kept: the newer vote's, the stars dropped), watchlist entries and comments moved."""

    votes: int = 0
    doubled: tuple[tuple[int, int, int], ...] = ()
    watchlist: int = 0
    comments: int = 0


def visitor_merge(*, cookie_id: str, user_id: int) -> Merged:
    """The votes, watchlist and comments a browser's cookie holds join the account, on
    sign-in: the person is one voter, so a film both voted on keeps one vote (the newer)
    and its figures lose the other. Safe under concurrency: the films are locked as a vote
    locks them, and two sign-ins at once (two tabs) merge one after the other."""
    into = Visitor(cookie_id=None, user_id=user_id).key
    assert into is not None  # a user's key
    with transaction.atomic():
        if not _wait_for_merges(user_id):
            return Merged()  # the account was deleted meanwhile
        film_ids = list(Vote.objects.filter(visitor=cookie_id).values_list("film_id", flat=True))
        films = {film.pk: film for film in _locked_films(film_ids)}
        # Read under the locks: no vote of these films changes until the end.
        cookie_votes = list(Vote.objects.filter(visitor=cookie_id, film_id__in=films))
        account_votes = {
            vote.film_id: vote for vote in Vote.objects.filter(visitor=into, film_id__in=films)
        }
        moved, doubled = [], []
        for vote in cookie_votes:
            theirs = account_votes.get(vote.film_id)
            if theirs is None:
                moved.append(vote.pk)
                continue
            older, newer = sorted([vote, theirs], key=lambda v: (v.updated_at, v.pk))
            doubled.append((vote.film_id, newer.stars, older.stars))
            older.delete()
            if newer is vote:
                Vote.objects.filter(pk=vote.pk).update(visitor=into, user_id=user_id)
            _recount(films[vote.film_id], count_change=-1, sum_change=-older.stars)
        Vote.objects.filter(pk__in=moved).update(visitor=into, user_id=user_id)
        watchlist = _merge_watchlist(cookie_id, into, user_id)
        comments = Comment.objects.filter(visitor=cookie_id).update(visitor=into)
    return Merged(votes=len(moved), doubled=tuple(doubled), watchlist=watchlist, comments=comments)


def _wait_for_merges(user_id: int) -> bool:
    """Lock the account until the transaction ends: two merges into it, or a merge and a
    change of its watchlist, then happen one after the other, each finding the rows the
    other moved. NO KEY: a vote being written for the account (which holds its film's lock
    and references the user) must not wait for this lock, or it could wait for a merge that
    waits for its film. False when the account is gone."""
    return get_user_model().objects.select_for_update(no_key=True).filter(pk=user_id).exists()


def _merge_watchlist(cookie_id: str, into: str, user_id: int) -> int:
    """The cookie's watchlist entries moved to the account; for a film on both, the entry
    given last stays ("Want to see" after "Not interested", or the other way)."""
    account = {e.film_id: e for e in WatchlistEntry.objects.filter(visitor=into)}
    moved, dropped = [], []
    for entry in WatchlistEntry.objects.filter(visitor=cookie_id):
        theirs = account.get(entry.film_id)
        if theirs is not None and (theirs.added_at, theirs.pk) >= (entry.added_at, entry.pk):
            dropped.append(entry.pk)
            continue
        if theirs is not None:
            dropped.append(theirs.pk)
        moved.append(entry.pk)
    WatchlistEntry.objects.filter(pk__in=dropped).delete()
    return WatchlistEntry.objects.filter(pk__in=moved).update(visitor=into, user_id=user_id)


def account_delete(user_id: int) -> None:
    """The account and everything recorded under it go, in one transaction: its votes
    (taken off the films' figures), its watchlist, its comments, then the user. Its row is
    locked first, FOR UPDATE: a vote, a watchlist entry or a merge of another device, which
    all reference it, waits and then finds no account, rather than slipping in between and
    outliving it (a vote no one could withdraw, counted for ever)."""
    user_model = get_user_model()
    key = Visitor(cookie_id=None, user_id=user_id).key
    mine = Q(visitor=key) | Q(user_id=user_id)
    with transaction.atomic():
        user = user_model.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            return
        film_ids = list(Vote.objects.filter(mine).values_list("film_id", flat=True))
        films = {film.pk: film for film in _locked_films(film_ids)}
        votes = list(Vote.objects.filter(mine, film_id__in=films).values_list("film_id", "stars"))
        Vote.objects.filter(mine, film_id__in=films).delete()
        changes: dict[int, tuple[int, int]] = {}
        for film_id, stars in votes:
            count, total = changes.get(film_id, (0, 0))
            changes[film_id] = (count - 1, total - stars)
        _recount_films(films, changes)
        WatchlistEntry.objects.filter(mine).delete()
        comments = Comment.objects.filter(visitor=key)
        commented = list(comments.values_list("film_id", flat=True).distinct())
        comments.delete()
        if commented:
            surrogate_keys.comments_changed(commented)
        user.delete()


# --- Comments --------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmittedComment:
    comment: Comment
    # False when this form had been sent before: the comment stored then, not a second one.
    created: bool


def count_links(text: str) -> int:
    return len(LINK.findall(text))


def comment_state(*, name: str, body: str, caught_by_honeypot: bool) -> str:
    if caught_by_honeypot:
        return Comment.State.SPAM
    if count_links(f"{name} {body}") >= LINKS_HELD_FOR_MODERATION:
        return Comment.State.HELD
    return Comment.State.PUBLISHED


def comment_submit(
    *,
    film: Film,
    name: str,
    body: str,
    email: str,
    token: str,
    visitor: Visitor,
    address: str,
    caught_by_honeypot: bool = False,
) -> SubmittedComment:
    """Store a comment sent with the form whose one-time token is `token`; sending the
    same form again returns the comment stored the first time. Database errors other
    than that, and surrogate_keys.CacheUnreachable, are raised with nothing stored: the caller
    says the comment could not be stored."""
    try:
        # A savepoint, so a duplicate token leaves the caller's transaction usable.
        with transaction.atomic():
            comment = Comment.objects.create(
                film=film,
                name=name,
                body=body,
                email=email,
                token=token,
                visitor=visitor.key or "",
                ip_hash=address_hash(address),
                state=comment_state(name=name, body=body, caught_by_honeypot=caught_by_honeypot),
            )
            # In the transaction: a comment the stored pages cannot be told of is not kept.
            surrogate_keys.comments_changed([film.pk])
    except IntegrityError:
        # Two requests with the same form (a double click) can race past the caller's
        # check; the unique token lets exactly one of them in.
        earlier = Comment.objects.filter(token=token).first()
        if earlier is None:
            raise
        return SubmittedComment(comment=earlier, created=False)
    return SubmittedComment(comment=comment, created=True)


def address_hash(address: str) -> str:
    """A keyed hash of an IP address: the same address gives the same hash, so moderators
    see which comments came from one place, but the address cannot be read back (the key
    is derived from SECRET_KEY; changing that key changes every hash)."""
    if not address:
        return ""
    return salted_hmac("films.comment-address", address, algorithm="sha256").hexdigest()


# --- Rate limits -----------------------------------------------------------------------


def client_address(request) -> str:
    """The visitor's address: the X-Real-IP header of the proxy in front when the settings
    trust it (TRUST_X_REAL_IP), else the address the server received the request from.
    Behind a proxy not trusted so, every visitor shares the proxy's one rate limit."""
    if settings.TRUST_X_REAL_IP:
        forwarded = request.headers.get("X-Real-IP", "").strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass  # not set by the proxy: the request did not come through it
    return request.META.get("REMOTE_ADDR", "")


def retry_after(request, *, action: str, visitor: Visitor) -> int | None:
    """Count this request against the rate limits of `action` (a key of RATE_LIMITS); the
    seconds to wait when it goes over one of them, else None."""
    values = {"visitor": visitor.key or "", "address": client_address(request)}
    waits = []
    for kind, rate in RATE_LIMITS[action].items():
        value = values[kind]
        if not value:
            continue
        usage = get_usage(
            request,
            group=f"films.{action}.{kind}",
            key=lambda group, request, value=value: value,
            rate=rate,
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits) if waits else None
