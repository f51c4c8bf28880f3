"""One's own data as JSON and as CSV (films.community.exports.visitor_data): what the
account page offers to download."""

import csv
import io

from django.utils import timezone

from films.community.exports import VisitorData

CSV_COLUMNS = [
    "kind",
    "film_id",
    "film_title",
    "film_year",
    "film_url",
    "stars",
    "list",
    "name",
    "comment",
    "state",
    "date",
]
# A cell a spreadsheet would run as a formula (OWASP's "CSV injection"): written with a
# leading apostrophe, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_json(data: VisitorData, *, account, absolute_url) -> dict:
    """`absolute_url(path)` makes the films' links whole (request.build_absolute_uri)."""

    def film(row):
        return {
            "id": row.film.pk,
            "title": row.film.title,
            "year": row.film.year,
            "url": absolute_url(row.film.get_absolute_url()),
        }

    return {
        "exported_at": timezone.now().isoformat(),
        "account": (
            {
                "username": account.get_username(),
                "email": account.email,
                "joined_at": account.date_joined.isoformat(),
            }
            if account is not None
            else None
        ),
        "votes": [
            {
                "film": film(vote),
                "stars": vote.stars,
                "rated_at": vote.created_at.isoformat(),
                "changed_at": vote.updated_at.isoformat(),
            }
            for vote in data.votes
        ],
        "watchlist": [
            {"film": film(entry), "list": entry.kind, "added_at": entry.added_at.isoformat()}
            for entry in data.watchlist
        ],
        "comments": [
            {
                "film": film(comment),
                "name": comment.name,
                "email": comment.email,
                "comment": comment.body,
                "state": comment.state,
                "written_at": comment.created_at.isoformat(),
                "url": absolute_url(comment.get_absolute_url()),
            }
            for comment in data.comments
        ],
    }


def as_csv(data: VisitorData, *, absolute_url) -> str:
    """One row per vote, watchlist entry and comment; `kind` says which."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()

    def row(kind, item, date, **cells):
        film = item.film
        cells |= {
            "kind": kind,
            "film_id": film.pk,
            "film_title": film.title,
            "film_year": film.year or "",
            "film_url": absolute_url(film.get_absolute_url()),
            "date": date.isoformat(),
        }
        writer.writerow({column: _text_cell(value) for column, value in cells.items()})

    for vote in data.votes:
        row("vote", vote, vote.updated_at, stars=vote.stars)
    for entry in data.watchlist:
        row("watchlist", entry, entry.added_at, list=entry.kind)
    for comment in data.comments:
        row(
            "comment",
            comment,
            comment.created_at,
            name=comment.name,
            comment=comment.body,
            state=comment.state,
        )
    return out.getvalue()


def _text_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
