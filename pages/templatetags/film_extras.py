import re

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import DatabaseError
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from films.catalog.links import FILM_LINKS, LICENSES, PERSON_LINKS, pages_elsewhere
from films.catalog.models import Film
from pages.facets import catalog_facets

register = template.Library()


@register.inclusion_tag("includes/rating.html")
def rating(film, with_count=True) -> dict:
    """A film's rating as a percentage and stars out of 5, with its vote count;
    nothing when nobody has rated it.

    Its template and context cost about 53 µs, eleven times a film page: about 0.6 ms of
    a ~23 ms first visit, under 3%, too little to build the HTML in Python instead."""
    if not film.rating_count or film.rating_average is None:
        return {"rated": False}
    average = float(film.rating_average)
    return {
        "rated": True,
        "percent": round(average * 20),
        # round() as before: floatformat alone would show 4.25 as 4.3, not 4.2.
        "average": round(average, 1),
        "count": _rating_count(film) if with_count else "",
    }


def _rating_count(film) -> str:
    """What the rating averages, in a few words: "from 53 reviews", "from 53 reviews and 3
    votes", "from 3 votes" (a critic's review is not a visitor's vote)."""
    parts = []
    catalog = film.catalog_rating_count if film.catalog_rating_average is not None else 0
    if catalog:
        if film.catalog_rating_kind == "critics":
            parts.append(ngettext("%(count)s review", "%(count)s reviews", catalog))
        else:
            parts.append(ngettext("%(count)s rating", "%(count)s ratings", catalog))
        parts[-1] %= {"count": intcomma(catalog)}
    if film.votes_count:
        votes = ngettext("%(count)s vote", "%(count)s votes", film.votes_count)
        parts.append(votes % {"count": intcomma(film.votes_count)})
    if not parts:
        return ""
    if len(parts) == 1:
        return _("from %(count)s") % {"count": parts[0]}
    return _("from %(first)s and %(second)s") % {"first": parts[0], "second": parts[1]}


@register.simple_tag
def rating_sources(film) -> str:
    """Whose rating it is, in words: "Critics' average in Wikidata, 53 reviews, and 3
    votes on filmsite." The catalog's rating is not the site's visitors' own."""
    parts = []
    if film.catalog_rating_average is not None and film.catalog_rating_count:
        count = film.catalog_rating_count
        values = {"source": film.source or _("the catalog"), "count": intcomma(count)}
        if film.catalog_rating_kind == "critics":
            template = ngettext(
                "critics' average in %(source)s, %(count)s review",
                "critics' average in %(source)s, %(count)s reviews",
                count,
            )
        elif film.catalog_rating_kind == "audience":
            template = ngettext(
                "audience average in %(source)s, %(count)s rating",
                "audience average in %(source)s, %(count)s ratings",
                count,
            )
        else:
            template = ngettext(
                "average in %(source)s, %(count)s rating",
                "average in %(source)s, %(count)s ratings",
                count,
            )
        parts.append(template % values)
    if film.votes_count:
        parts.append(
            ngettext(
                "%(count)s vote on filmsite",
                "%(count)s votes on filmsite",
                film.votes_count,
            )
            % {"count": intcomma(film.votes_count)}
        )
    if not parts:
        return ""
    sentence = (
        parts[0]
        if len(parts) == 1
        else _("%(first)s, and %(second)s")
        % {
            "first": parts[0],
            "second": parts[1],
        }
    )
    return capfirst(sentence) + "."


@register.filter
def links(objects) -> str:
    """People, genres, themes or countries as links to their pages, comma-separated.

    format_html_join is six times slower than joining f-strings, but a film page holds
    about 200 of these links (the cards' ones cached as fragments): a few % at most."""
    return format_html_join(
        ", ", '<a href="{}">{}</a>', ((o.get_absolute_url(), o) for o in objects)
    )


@register.filter
def decade(year: int) -> int:
    return year - year % 10


@register.filter
def links_out(item) -> list[dict]:
    """Pages about a film or a person elsewhere, from its links and its catalog id:
    [{"name", "url"}] (films.catalog.links)."""
    kinds = FILM_LINKS if isinstance(item, Film) else PERSON_LINKS
    return pages_elsewhere(kinds, getattr(item, "links", None), item.external_id or "")


# A synopsis longer than this opens with its first sentences; the rest is a click away, so
# that the similar films stay high on the page (a Wikipedia lead runs to 3,000 characters).
SYNOPSIS_OPENING = 450


@register.filter
def synopsis_parts(synopsis: str) -> tuple[str, str]:
    """(opening, rest) of a synopsis: the sentences up to about SYNOPSIS_OPENING characters,
    and the others ("" when it is short, or has no sentence end to stop at)."""
    if len(synopsis) <= SYNOPSIS_OPENING * 1.5:
        return synopsis, ""
    for end in _SENTENCE_END.finditer(synopsis, SYNOPSIS_OPENING // 2):
        if end.end() >= SYNOPSIS_OPENING:
            return synopsis[: end.end()].rstrip(), synopsis[end.end() :].lstrip()
    return synopsis, ""


# The end of a sentence: its stop, then a space or a new line (not "U.S. " alone: a stop
# after a capital letter, which may be an initial, is no end).
_SENTENCE_END = re.compile(r"(?<![A-Z])[.!?…][)\"”»]?\s+")


@register.simple_tag
def catalog_has_themes() -> bool:
    """Whether any film has a theme: the themes index is linked only then. False when the
    database cannot tell: the error pages, which every page's footer is part of, must
    render with the database out of reach."""
    try:
        return catalog_facets().has_themes
    except DatabaseError:
        return False


@register.filter
def license_url(license_name: str) -> str:
    """The address of a licence's text, for the licences the site knows ("CC BY-SA 4.0")."""
    return LICENSES.get(license_name.strip().upper(), "")
