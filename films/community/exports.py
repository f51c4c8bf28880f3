"""What one person has given the site, for them to take away (the account page's export):
their votes, their watchlist and their comments, read under their visitor key
(films.community.visitors)."""

from dataclasses import dataclass

from films.community.models import Comment, Vote, WatchlistEntry
from films.community.visitors import Visitor

FILM_FIELDS = ("film__id", "film__slug", "film__title", "film__year")


@dataclass(frozen=True)
class VisitorData:
    votes: list[Vote]
    watchlist: list[WatchlistEntry]
    comments: list[Comment]

    def __bool__(self) -> bool:
        return bool(self.votes or self.watchlist or self.comments)


def visitor_data_counts(visitor: Visitor) -> dict[str, int]:
    """How many votes, watchlist entries and comments visitor_data would give: three counts,
    each from an index that begins with the visitor; none for a visitor we have not met."""
    key = visitor.key
    if key is None:
        return {"votes": 0, "watchlist": 0, "comments": 0}
    return {
        "votes": Vote.objects.filter(visitor=key).count(),
        "watchlist": WatchlistEntry.objects.filter(visitor=key).count(),
        "comments": Comment.objects.filter(visitor=key).count(),
    }


def visitor_data(visitor: Visitor) -> VisitorData:
    """All of it, oldest first, each with its film: three queries, none for a visitor we
    have not met."""
    key = visitor.key
    if key is None:
        return VisitorData([], [], [])
    votes = (
        Vote.objects.filter(visitor=key)
        .select_related("film")
        .only("stars", "created_at", "updated_at", *FILM_FIELDS)
        .order_by("created_at", "id")
    )
    watchlist = (
        WatchlistEntry.objects.filter(visitor=key)
        .select_related("film")
        .only("kind", "added_at", *FILM_FIELDS)
        .order_by("added_at", "id")
    )
    comments = (
        Comment.objects.filter(visitor=key)
        .select_related("film")
        .only("name", "email", "body", "state", "created_at", *FILM_FIELDS)
        .order_by("created_at", "id")
    )
    return VisitorData(list(votes), list(watchlist), list(comments))
