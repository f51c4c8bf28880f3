"""The catalog format (docs/catalog-format.md): reading, validating and writing it.

`parse_line` turns one JSON line into a `FilmRecord` or raises `CatalogError` naming the
line and the field. `CatalogWriter.write_batch` stores a batch of records in one
transaction with a fixed number of queries per batch, whatever its size; `finish` then
recounts the films of the people concerned.
"""

import datetime
import itertools
import json
import multiprocessing
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from films.catalog.codes import resolve_country, resolve_language
from films.catalog.links import FILM_LINKS, PERSON_LINKS, valid_link
from films.catalog.models import (
    ReleaseDatePrecision,
)
from films.catalog.text import CONTROL_CHARACTERS

MIN_YEAR, MAX_YEAR = 1870, 2100
MAX_RUNTIME = 100_000  # minutes; the longest films ever made run for days
MAX_COUNT = 2_147_483_647  # the largest PositiveIntegerField on every database
# Slightly under SQLite's limit of 999 variables in older builds.
IN_CHUNK = 900


class CatalogError(ValueError):
    def __init__(self, line_number: int, field: str | None, message: str):
        self.line_number = line_number
        self.field = field
        self.message = message
        where = f"line {line_number}" + (f", field '{field}'" if field else "")
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # sent back by the processes of check_lines()
        return CatalogError, (self.line_number, self.field, self.message)


# Named tuples rather than frozen dataclasses: a 300,000-film catalog makes 5,000,000 of
# them, twice (validation, then writing), and a tuple is made several times faster.
class PersonRef(NamedTuple):
    name: str
    external_id: str | None = None
    links: tuple[tuple[str, str], ...] = ()  # (kind, id), sorted: films.catalog.links

    @property
    def key(self):
        return ("id", self.external_id) if self.external_id else ("name", self.name)


class CastMember(NamedTuple):
    person: PersonRef
    character: str = ""


class Named(NamedTuple):
    """A genre, theme or series: a name, and the catalog's id and names in other languages
    where the line gives them as an object."""

    name: str
    external_id: str | None = None
    names: tuple[tuple[str, str], ...] = ()  # (language, name), sorted


@dataclass
class FilmRecord:
    line_number: int
    external_id: str
    title: str
    original_title: str = ""
    year: int | None = None
    release_date: datetime.date | None = None
    release_date_precision: str = ""
    runtime: int | None = None
    countries: list[str] = field(default_factory=list)  # codes
    languages: list[str] = field(default_factory=list)  # codes
    genres: list[Named] = field(default_factory=list)
    themes: list[Named] = field(default_factory=list)
    series: str = ""
    series_ordinal: int | None = None
    series_names: dict = field(default_factory=dict)
    titles: dict = field(default_factory=dict)  # language -> title
    links: dict = field(default_factory=dict)
    directors: list[PersonRef] = field(default_factory=list)
    writers: list[PersonRef] = field(default_factory=list)
    cast: list[CastMember] = field(default_factory=list)
    cast_in_billing_order: bool = True
    synopsis: str = ""
    synopsis_source: str = ""
    synopsis_license: str = ""
    synopsis_url: str = ""
    rating_average: Decimal | None = None
    rating_count: int = 0
    rating_kind: str = ""
    source: str = ""

    def people(self):
        yield from self.directors
        yield from self.writers
        for member in self.cast:
            yield member.person


# --- Validation -----------------------------------------------------------------------


# What a line holds when a string in it may hold what no database or page can: an escape
# (\u0000, \f...) or a character JSON lets through as it is. Other lines are not walked.
_MAY_HOLD_UNSTORABLE = re.compile(r"[\\\x7f\ufffe\uffff]")


def _refuse_unstorable_text(line_number: int, data: dict) -> None:
    """A control character (NUL, which PostgreSQL refuses, and the others, which no page
    or feed can show) or half of a surrogate pair (not a character: UTF-8 cannot encode
    it), anywhere in the line. A loop, not recursion: the parser nests deeper than Python
    recurses."""
    pending = [(None, data)]
    while pending:
        field, value = pending.pop()
        if isinstance(value, dict):
            pending += [(k if field is None else f"{field}.{k}", v) for k, v in value.items()]
        elif isinstance(value, list):
            pending += [(f"{field}[{index}]", item) for index, item in enumerate(value)]
        elif isinstance(value, str):
            if CONTROL_CHARACTERS.search(value):
                message = "holds a control character or a noncharacter (U+FFFE, U+FFFF)"
                raise CatalogError(line_number, field, message)
            if not value.isascii():
                try:
                    value.encode()
                except UnicodeEncodeError:
                    message = "holds half of a surrogate pair, which is not a character"
                    raise CatalogError(line_number, field, message) from None


class _Line:
    """Typed access to one decoded line, raising CatalogError with the field's name."""

    def __init__(self, number: int, data: dict):
        self.number = number
        self.data = data

    def error(self, field: str | None, message: str) -> CatalogError:
        return CatalogError(self.number, field, message)

    def text(self, key: str, *, required=False, max_length=500) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(key, "is required")
            return ""
        if not isinstance(value, str):
            raise self.error(key, f"must be a string, not {_json_type(value)}")
        value = value.strip()
        if required and not value:
            raise self.error(key, "must not be empty")
        if len(value) > max_length:
            raise self.error(key, f"is longer than {max_length} characters")
        return value

    def integer(self, key: str, low: int, high: int) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"must be a whole number, not {_json_type(value)}")
        if not low <= value <= high:
            raise self.error(key, f"must be between {low} and {high}, not {value}")
        return value

    def string_list(self, key: str, max_length=200) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"must be a list, not {_json_type(value)}")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{key}[{index}]", "must be a non-empty string")
            if len(item.strip()) > max_length:
                raise self.error(f"{key}[{index}]", f"is longer than {max_length} characters")
            items.append(item.strip())
        return _unique(items)

    def in_languages(self, key: str, value, max_length: int) -> dict[str, str]:
        """`titles` or `names`: {"fr": "..."}, language codes to non-empty strings."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"must be an object, not {_json_type(value)}")
        texts = {}
        for language, text in value.items():
            if not _LANGUAGE_TAG.fullmatch(language):
                raise self.error(key, f"{language!r} is not a language code such as 'fr'")
            if not isinstance(text, str) or not text.strip():
                raise self.error(f"{key}.{language}", "must be a non-empty string")
            if len(text.strip()) > max_length:
                raise self.error(f"{key}.{language}", f"is longer than {max_length} characters")
            texts[language.lower()] = text.strip()
        return texts

    def named(self, key: str, value, max_length: int) -> Named:
        """A genre, theme or series: a name, or {"id", "name", "names"}."""
        if isinstance(value, str):
            name = value.strip()
            if not name:
                raise self.error(key, "must not be empty")
            if len(name) > max_length:
                raise self.error(key, f"is longer than {max_length} characters")
            return Named(name)
        if not isinstance(value, dict):
            raise self.error(key, f"must be a name or an object, not {_json_type(value)}")
        named = _Line(self.number, value)
        try:
            name = named.text("name", required=True, max_length=max_length)
            external_id = named.text("id", max_length=100) or None
            names = named.in_languages("names", value.get("names"), max_length)
        except CatalogError as error:
            raise self.error(f"{key}.{error.field}", error.message) from None
        return Named(name, external_id, tuple(sorted(names.items())))

    def named_list(self, key: str, max_length: int) -> list[Named]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"must be a list, not {_json_type(value)}")
        items = [self.named(f"{key}[{i}]", item, max_length) for i, item in enumerate(value)]
        # Matched ignoring case ("Drama" and "drama" are one genre), or by id.
        first: dict = {}
        for item in items:
            first.setdefault(item.external_id or item.name.casefold(), item)
        return list(first.values())

    def links(self, key: str, value, kinds) -> dict[str, str]:
        """`links`: ids on other sites; unknown kinds are left out, a malformed id is an error."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"must be an object, not {_json_type(value)}")
        found = {}
        for kind, identifier in value.items():
            if kind not in kinds:
                continue  # a later version's, or another site's
            if not isinstance(identifier, str):
                raise self.error(f"{key}.{kind}", f"must be a string, not {_json_type(identifier)}")
            identifier = identifier.strip()
            if not valid_link(kinds, kind, identifier):
                raise self.error(f"{key}.{kind}", f"{identifier!r} is not a {kinds[kind].site} id")
            found[kind] = identifier
        return found

    def codes(self, key: str, resolve, kind: str) -> list[str]:
        codes = []
        for index, value in enumerate(self.string_list(key)):
            found = resolve(value)
            if found is None:
                raise self.error(f"{key}[{index}]", f"unknown {kind} {value!r}")
            codes.append(found.code)
        return _unique(codes)

    def people(self, key: str, *, with_character=False) -> list:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"must be a list, not {_json_type(value)}")
        people, seen = [], set()
        for index, item in enumerate(value):
            # Field names are formatted only for an error: this loop runs 5,000,000 times
            # for a large catalog.
            character = ""
            if isinstance(item, str):
                person = PersonRef(_person_name(self, key, index, "", item))
            elif isinstance(item, dict):
                name = item.get("name")
                if not isinstance(name, str):
                    raise self.error(f"{key}[{index}].name", "is required and must be a string")
                external_id = item.get("id")
                if external_id is not None:
                    if not isinstance(external_id, str) or not external_id.strip():
                        raise self.error(f"{key}[{index}].id", "must be a non-empty string")
                    external_id = external_id.strip()
                    if len(external_id) > 100:
                        raise self.error(f"{key}[{index}].id", "is longer than 100 characters")
                links = self.links(f"{key}[{index}].links", item.get("links"), PERSON_LINKS)
                person = PersonRef(
                    _person_name(self, key, index, ".name", name),
                    external_id,
                    tuple(sorted(links.items())),
                )
                if with_character:
                    raw = item.get("character")
                    if raw is not None and not isinstance(raw, str):
                        raise self.error(f"{key}[{index}].character", "must be a string")
                    character = (raw or "").strip()[:300]
            else:
                raise self.error(
                    f"{key}[{index}]", f"must be a name or an object, not {_json_type(item)}"
                )
            person_key = person.key
            if person_key in seen:  # the same person twice in one role: keep the first
                continue
            seen.add(person_key)
            people.append(CastMember(person, character) if with_character else person)
        return people


def _person_name(line: _Line, key: str, index: int, suffix: str, name: str) -> str:
    name = name.strip()
    if not name:
        raise line.error(f"{key}[{index}]{suffix}", "a person's name must not be empty")
    if len(name) > 300:
        raise line.error(f"{key}[{index}]{suffix}", "a person's name is longer than 300 characters")
    return name


def _unique(items):
    return list(dict.fromkeys(items))


def _json_type(value) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), "null")


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?")
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"]+")
MAX_ORDINAL = 10_000


def _series(line: _Line) -> tuple[Named | None, int | None]:
    value = line.data.get("series")
    if value is None or value == "":
        return None, None
    series = line.named("series", value, 300)
    ordinal = value.get("ordinal") if isinstance(value, dict) else None
    if ordinal is None:
        return series, None
    if isinstance(ordinal, str) and ordinal.strip().isascii() and ordinal.strip().isdigit():
        ordinal = int(ordinal)
    if isinstance(ordinal, bool) or not isinstance(ordinal, int):
        raise line.error("series.ordinal", "must be a whole number")
    if not 1 <= ordinal <= MAX_ORDINAL:
        raise line.error("series.ordinal", f"must be between 1 and {MAX_ORDINAL}, not {ordinal}")
    return series, ordinal


_RELEASE_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}){0,2}")


def _release_date(line: _Line) -> tuple[datetime.date | None, str]:
    text = line.text("release_date", max_length=10)
    if not text:
        return None, ""
    # ASCII digits: "²".isdigit() is true, and int() refuses it.
    if not _RELEASE_DATE.fullmatch(text):
        raise line.error("release_date", f"must be YYYY, YYYY-MM or YYYY-MM-DD, not {text!r}")
    parts = text.split("-")
    numbers = [int(part) for part in parts] + [1] * (3 - len(parts))
    try:
        date = datetime.date(*numbers)
    except ValueError:
        raise line.error("release_date", f"{text!r} is not a real date") from None
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        raise line.error("release_date", f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    precision = [ReleaseDatePrecision.YEAR, ReleaseDatePrecision.MONTH, ReleaseDatePrecision.DAY]
    return date, precision[len(parts) - 1]


# Whose rating a catalog gives: critics' reviews or the audience's ratings (or unsaid).
RATING_KINDS = ("critics", "audience")


def _rating(line: _Line) -> tuple[Decimal | None, int, str]:
    value = line.data.get("rating")
    if value is None:
        return None, 0, ""
    if not isinstance(value, dict):
        raise line.error("rating", f"must be an object, not {_json_type(value)}")
    average, count = value.get("average"), value.get("count", 0)
    if isinstance(average, bool) or not isinstance(average, int | float):
        raise line.error("rating.average", "must be a number from 0 to 5")
    if not 0 <= average <= 5:
        raise line.error("rating.average", f"must be from 0 to 5, not {average}")
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
        raise line.error("rating.count", f"must be a whole number from 0 to {MAX_COUNT}")
    kind = value.get("kind", "")
    if kind not in ("", *RATING_KINDS):
        raise line.error("rating.kind", f"must be {' or '.join(RATING_KINDS)}, not {kind!r}")
    try:
        return Decimal(str(average)).quantize(Decimal("0.01")), count, kind
    except InvalidOperation:
        raise line.error("rating.average", "must be a number from 0 to 5") from None


def parse_line(line_number: int, raw: str) -> FilmRecord | None:
    """One line of the catalog as a FilmRecord; None for a blank line."""
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON ({exc.msg} at column {exc.colno})"
        raise CatalogError(line_number, None, message) from None
    except ValueError as exc:  # a number of thousands of digits
        raise CatalogError(line_number, None, f"invalid JSON ({exc})") from None
    except RecursionError:
        raise CatalogError(line_number, None, "invalid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise CatalogError(line_number, None, f"must be a JSON object, not {_json_type(data)}")
    if _MAY_HOLD_UNSTORABLE.search(raw):
        _refuse_unstorable_text(line_number, data)
    line = _Line(line_number, data)

    external_id = line.text("id", required=True, max_length=100)
    title = line.text("title", required=True)
    release_date, precision = _release_date(line)
    year = line.integer("year", MIN_YEAR, MAX_YEAR)
    if year is None and release_date:
        year = release_date.year
    in_order = data.get("cast_in_billing_order", True)
    if not isinstance(in_order, bool):
        raise line.error("cast_in_billing_order", "must be true or false")
    rating_average, rating_count, rating_kind = _rating(line)
    series, series_ordinal = _series(line)
    synopsis_url = line.text("synopsis_url", max_length=1000)
    if synopsis_url and not _WEB_ADDRESS.fullmatch(synopsis_url):
        raise line.error("synopsis_url", "must be a web address (http:// or https://)")

    record = FilmRecord(
        line_number=line_number,
        external_id=external_id,
        title=title,
        original_title=line.text("original_title"),
        year=year,
        release_date=release_date,
        release_date_precision=precision,
        runtime=line.integer("runtime", 1, MAX_RUNTIME),
        countries=line.codes("countries", resolve_country, "country"),
        languages=line.codes("languages", resolve_language, "language"),
        titles=line.in_languages("titles", data.get("titles"), 500),
        genres=line.named_list("genres", max_length=100),
        themes=line.named_list("themes", max_length=200),
        series=series.name if series else "",
        series_ordinal=series_ordinal,
        series_names=dict(series.names) if series else {},
        links=line.links("links", data.get("links"), FILM_LINKS),
        directors=line.people("directors"),
        writers=line.people("writers"),
        cast=line.people("cast", with_character=True),
        cast_in_billing_order=in_order,
        synopsis=line.text("synopsis", max_length=20_000),
        synopsis_source=line.text("synopsis_source", max_length=200),
        synopsis_license=line.text("synopsis_license", max_length=100),
        synopsis_url=synopsis_url,
        rating_average=rating_average,
        rating_count=rating_count if rating_average is not None else 0,
        rating_kind=rating_kind,
        source=line.text("source", max_length=100),
    )
    _link_bare_names_to_ids(record)
    return record


class CheckedLine(NamedTuple):
    number: int
    external_id: str
    people: tuple  # PersonRef.key of everyone credited, each once


CHECK_CHUNK = 2000
# A catalog longer than this is checked in one process per CPU (the database is idle
# meanwhile): 300,000 films take 15 s instead of 30.
CHECK_IN_ONE_PROCESS = 10 * CHECK_CHUNK


def check_lines(lines) -> Iterator[CheckedLine | CatalogError]:
    """The first pass of an import: each line of text parsed and checked, in order, as a
    CheckedLine or the CatalogError it raises (blank lines give nothing)."""
    chunks = _numbered_chunks(lines)
    for chunk in itertools.islice(chunks, CHECK_IN_ONE_PROCESS // CHECK_CHUNK):
        yield from _check_chunk(chunk)
    more = next(chunks, None)
    if more is None:
        return
    chunks = itertools.chain([more], chunks)
    workers = os.cpu_count() or 1
    if workers < 2 or not _can_fork():
        for chunk in chunks:
            yield from _check_chunk(chunk)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for checked in pool.imap(_check_chunk, chunks):
            yield from checked


def _numbered_chunks(lines):
    numbered = enumerate(lines, start=1)
    while chunk := list(itertools.islice(numbered, CHECK_CHUNK)):
        yield chunk


def _check_chunk(chunk) -> list:
    checked: list[CheckedLine | CatalogError] = []
    for number, raw in chunk:
        try:
            record = parse_line(number, raw)
        except CatalogError as error:
            checked.append(error)
            continue
        if record is not None:
            keys = tuple({person.key: None for person in record.people()})
            checked.append(CheckedLine(number, record.external_id, keys))
    return checked


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _link_bare_names_to_ids(record: FilmRecord) -> None:
    """A bare name that a line also gives with an id is that person ("Mike Figgis" the
    writer is the director {"id": ..., "name": "Mike Figgis"})."""
    by_name: dict[str, PersonRef] = {}
    for person in record.people():
        if person.external_id:
            by_name.setdefault(person.name, person)

    def link(person: PersonRef) -> PersonRef:
        return by_name.get(person.name, person) if not person.external_id else person

    record.directors = _unique(link(p) for p in record.directors)
    record.writers = _unique(link(p) for p in record.writers)
    record.cast = [CastMember(link(m.person), m.character) for m in record.cast]
