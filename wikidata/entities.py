"""One Wikidata entity as Wikibase's JSON gives it (in dumps, Special:EntityData and the API):
its statements by rank, their values and qualifiers, its labels.

The format: Wikibase's docs/topics/json.md ("JSON", the canonical copy in Wikibase.git) and
https://www.mediawiki.org/wiki/Wikibase/DataModel/JSON.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NamedTuple

Entity = dict[str, Any]
Statement = dict[str, Any]
Snak = dict[str, Any]

# Film and its usual subclasses: an item that is an instance (P31) of one of these is a film.
FILM_CLASSES = {
    "Q11424": "film",
    "Q24869": "feature film",
    "Q202866": "animated film",
    "Q29168811": "animated feature film",
    "Q17517379": "animated short film",
    "Q93204": "documentary film",
    "Q24862": "short film",
    "Q506240": "television film",
    "Q226730": "silent film",
}

INSTANCE_OF = "P31"
TITLE = "P1476"
PUBLICATION_DATE = "P577"
DURATION = "P2047"
COUNTRY_OF_ORIGIN = "P495"
ORIGINAL_LANGUAGE = "P364"
GENRE = "P136"
MAIN_SUBJECT = "P921"
PART_OF_THE_SERIES = "P179"
DIRECTOR = "P57"
SCREENWRITER = "P58"
CAST_MEMBER = "P161"
SERIES_ORDINAL = "P1545"  # a qualifier: the place in a series, or in a list of credits
CHARACTER_ROLE = "P453"  # a qualifier: the character's item
CHARACTER_NAME = "P4633"  # a qualifier: the character's name, as text
IMDB_ID = "P345"
TMDB_MOVIE_ID = "P4947"
ISO_3166_1_ALPHA_2 = "P297"
ISO_3166_3 = "P773"  # former countries: "SUHH"
ISO_639_1 = "P218"
ISO_639_3 = "P220"

# Units of a duration (P2047), in minutes.
MINUTES_PER_UNIT = {
    "Q7727": Decimal(1),  # minute
    "Q25235": Decimal(60),  # hour
    "Q11574": Decimal(1) / Decimal(60),  # second
}

# Time precisions (Wikibase's time values): 9 year, 10 month, 11 day; coarser ones are
# decades, centuries..., finer ones unused.
YEAR, MONTH, DAY = 9, 10, 11


def statements(entity: Entity, prop: str) -> list[Statement]:
    """The property's statements, in the entity's order, without the deprecated ones."""
    found = (entity.get("claims") or {}).get(prop) or []
    return [s for s in found if isinstance(s, dict) and s.get("rank") != "deprecated"]


def best_statements(entity: Entity, prop: str) -> list[Statement]:
    """Wikibase's "best rank": the preferred statements when there are any, else the
    normal ones (a statement without a rank is normal)."""
    kept = statements(entity, prop)
    preferred = [s for s in kept if s.get("rank") == "preferred"]
    return preferred or kept


def value(snak: Snak | None) -> Any:
    """A snak's value; None for "unknown value" and "no value" snaks."""
    if not isinstance(snak, dict) or snak.get("snaktype", "value") != "value":
        return None
    datavalue = snak.get("datavalue")
    return datavalue.get("value") if isinstance(datavalue, dict) else None


def main_snak(statement: Statement) -> Snak | None:
    return statement.get("mainsnak")


def item_id(snak: Snak | None) -> str | None:
    """The id of the item a snak points to ("Q30")."""
    found = value(snak)
    if isinstance(found, dict):
        identifier = found.get("id")
        if identifier is None and found.get("numeric-id") is not None:
            identifier = f"Q{found['numeric-id']}"
        if isinstance(identifier, str) and ITEM_ID.fullmatch(identifier):
            return identifier
    return None


def text(snak: Snak | None) -> str | None:
    """A string value (an external id, a name), stripped; None when empty."""
    found = value(snak)
    if isinstance(found, str) and found.strip():
        return found.strip()
    return None


def monolingual_text(snak: Snak | None) -> str | None:
    found = value(snak)
    if isinstance(found, dict) and isinstance(found.get("text"), str) and found["text"].strip():
        return found["text"].strip()
    return None


def qualifiers(statement: Statement, prop: str) -> list[Snak]:
    found = (statement.get("qualifiers") or {}).get(prop) or []
    return [snak for snak in found if isinstance(snak, dict)]


def ordinal(statement: Statement) -> int | None:
    """The statement's series ordinal (P1545) when it is a whole number from 1 ("3", not
    "3a" or "1.5")."""
    for snak in qualifiers(statement, SERIES_ORDINAL):
        found = text(snak)
        if found and found.isascii() and found.isdigit() and int(found) >= 1:
            return int(found)
    return None


def minutes(snak: Snak | None) -> int | None:
    """A duration in whole minutes, whatever its unit; None without a known time unit."""
    found = value(snak)
    if not isinstance(found, dict):
        return None
    unit = str(found.get("unit", "")).rsplit("/", 1)[-1]
    factor = MINUTES_PER_UNIT.get(unit)
    if factor is None:
        return None
    try:
        amount = Decimal(str(found.get("amount")))
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    return int((amount * factor).to_integral_value(rounding=ROUND_HALF_UP))


class PartialDate(NamedTuple):
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"]
        parts += [f"{part:02d}" for part in (self.month, self.day) if part is not None]
        return "-".join(parts)

    def contains(self, other: "PartialDate") -> bool:
        """Whether `other` lies within this date: 1995-10-27 within 1995, or within 1995-10."""
        return self.year == other.year and self.month in (None, other.month)


_TIME = re.compile(r"([+-])0*(\d{1,9})-(\d\d)-(\d\d)T")


def partial_date(snak: Snak | None) -> PartialDate | None:
    """A time value to its precision: year (9), month (10) or day (11). None for a coarser
    precision (a decade), a year before the common era, or a day that no calendar has
    (Wikibase allows "leap dates" such as 30 February: the date is kept to its month)."""
    found = value(snak)
    if not isinstance(found, dict) or not isinstance(found.get("time"), str):
        return None
    match = _TIME.match(found["time"])
    precision = found.get("precision")
    if match is None or not isinstance(precision, int) or precision < YEAR:
        return None
    sign, year, month, day = match[1], int(match[2]), int(match[3]), int(match[4])
    if sign == "-" or year == 0:
        return None
    # Month and day are 00 when unknown, whatever the precision says.
    if precision == YEAR or not 1 <= month <= 12:
        return PartialDate(year)
    if precision == MONTH or day == 0:
        return PartialDate(year, month)
    try:
        datetime.date(year, month, day)
    except ValueError:
        return PartialDate(year, month)
    return PartialDate(year, month, day)


def earliest(dates: list[PartialDate]) -> PartialDate | None:
    """The earliest of several dates. A date known less precisely than another within it
    gives way to it (1995 and 1995-10-27 are one release, known better by the second);
    then the earliest wins (1995-05 before 1995-10-27)."""
    refined = [
        date
        for date in dates
        if not any(date.contains(other) and _precision(other) > _precision(date) for other in dates)
    ]
    if not refined:
        return None
    return min(refined, key=lambda d: (d.year, d.month or 0, d.day or 0))


def _precision(date: PartialDate) -> int:
    return YEAR + (date.month is not None) + (date.day is not None)


ITEM_ID = re.compile(r"Q[1-9][0-9]{0,11}")


def label(entity: Entity, language: str) -> str | None:
    found = (entity.get("labels") or {}).get(language)
    if isinstance(found, dict) and isinstance(found.get("value"), str) and found["value"].strip():
        return found["value"].strip()
    return None


# "mul": the label for all languages that Wikidata gives names that do not change between
# languages (people's names, mostly); it stands in for a missing English or French label.
MULTIPLE_LANGUAGES = "mul"


def name(entity: Entity) -> str | None:
    """The entity's name in English: its English label, else its label for all languages,
    else its label in another language (the first by language code, so that a run gives
    the same name each time)."""
    found = label(entity, "en") or label(entity, MULTIPLE_LANGUAGES)
    if found:
        return found
    for language in sorted(entity.get("labels") or {}):
        found = label(entity, language)
        if found:
            return found
    return None


def french_name(entity: Entity) -> str | None:
    return label(entity, "fr") or label(entity, MULTIPLE_LANGUAGES)


def is_film(entity: Entity, classes=FILM_CLASSES) -> bool:
    """Whether the item is an instance (P31) of a film class, by any statement that is not
    deprecated: a class given with normal rank beside a preferred one still says what the
    item is."""
    return any(item_id(main_snak(s)) in classes for s in statements(entity, INSTANCE_OF))


def sitelink_title(entity: Entity, site: str) -> str | None:
    found = (entity.get("sitelinks") or {}).get(site)
    if isinstance(found, dict) and isinstance(found.get("title"), str) and found["title"]:
        return found["title"]
    return None
