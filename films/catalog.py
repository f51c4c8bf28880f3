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
import operator
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.db import connection, models, transaction
from django.utils import timezone

from films.codes import resolve_country, resolve_language
from films.models import (
    SEARCH_NAME_LENGTH,
    Country,
    Credit,
    Film,
    Genre,
    Language,
    Person,
    ReleaseDatePrecision,
    Theme,
    search_text,
    slug_for,
)
from films.ratings import apply_combined_rating
from films.text import CONTROL_CHARACTERS
from films.whole_pages import catalog_changed

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

    @property
    def key(self):
        return ("id", self.external_id) if self.external_id else ("name", self.name)


class CastMember(NamedTuple):
    person: PersonRef
    character: str = ""


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
    genres: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    series: str = ""
    directors: list[PersonRef] = field(default_factory=list)
    writers: list[PersonRef] = field(default_factory=list)
    cast: list[CastMember] = field(default_factory=list)
    cast_in_billing_order: bool = True
    synopsis: str = ""
    synopsis_source: str = ""
    rating_average: Decimal | None = None
    rating_count: int = 0
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
                person = PersonRef(_person_name(self, key, index, ".name", name), external_id)
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


def _unique_ignoring_case(items):
    first = {}
    for item in items:
        first.setdefault(item.casefold(), item)
    return list(first.values())


def _json_type(value) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), "null")


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


def _rating(line: _Line) -> tuple[Decimal | None, int]:
    value = line.data.get("rating")
    if value is None:
        return None, 0
    if not isinstance(value, dict):
        raise line.error("rating", f"must be an object, not {_json_type(value)}")
    average, count = value.get("average"), value.get("count", 0)
    if isinstance(average, bool) or not isinstance(average, int | float):
        raise line.error("rating.average", "must be a number from 0 to 5")
    if not 0 <= average <= 5:
        raise line.error("rating.average", f"must be from 0 to 5, not {average}")
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
        raise line.error("rating.count", f"must be a whole number from 0 to {MAX_COUNT}")
    try:
        return Decimal(str(average)).quantize(Decimal("0.01")), count
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
    rating_average, rating_count = _rating(line)

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
        # Genres and themes are matched ignoring case: "Drama" and "drama" are one genre.
        genres=_unique_ignoring_case(line.string_list("genres", max_length=100)),
        themes=_unique_ignoring_case(line.string_list("themes", max_length=200)),
        series=line.text("series", max_length=300),
        directors=line.people("directors"),
        writers=line.people("writers"),
        cast=line.people("cast", with_character=True),
        cast_in_billing_order=in_order,
        synopsis=line.text("synopsis", max_length=20_000),
        synopsis_source=line.text("synopsis_source", max_length=200),
        rating_average=rating_average,
        rating_count=rating_count if rating_average is not None else 0,
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
    checked = []
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
    by_name = {}
    for person in record.people():
        if person.external_id:
            by_name.setdefault(person.name, person)

    def link(person: PersonRef) -> PersonRef:
        return by_name.get(person.name, person) if not person.external_id else person

    record.directors = _unique(link(p) for p in record.directors)
    record.writers = _unique(link(p) for p in record.writers)
    record.cast = [CastMember(link(m.person), m.character) for m in record.cast]


# --- Writing --------------------------------------------------------------------------


@dataclass
class ImportStats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    people_created: int = 0
    credits: int = 0


FILM_FIELDS = [
    "title",
    "original_title",
    "slug",
    "year",
    "release_date",
    "release_date_precision",
    "runtime",
    "series",
    "source",
    "cast_in_billing_order",
    "synopsis",
    "synopsis_source",
    "catalog_rating_average",
    "catalog_rating_count",
    "rating_average",
    "rating_count",
    "rating_rank",
    "search_title",
    "search_original_title",
    "updated_at",
]


def _chunks(items, size=IN_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Bulk writes ------------------------------------------------------------------------
#
# A large catalog is millions of rows (300,000 films: 1,000,000 people, 4,700,000 credits).
# On PostgreSQL new rows go in with COPY, ids drawn from the table's sequence beforehand,
# and lookups send their keys as one array (= ANY(%s)): several times faster than INSERTs
# whose every value goes through Django's field preparation, and than IN lists cut into
# chunks. Other databases (SQLite: the demo and the tests) take the ORM's path.


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def _copy_rows(table: str, columns: list[str], rows) -> None:
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert rows given as tuples of column values."""
    if not rows:
        return
    if _postgresql():
        _copy_rows(model._meta.db_table, columns, rows)
        return
    attnames = [model._meta.get_field(column).attname for column in columns]
    model.objects.bulk_create(
        [model(**dict(zip(attnames, row, strict=True))) for row in rows], batch_size=2000
    )


def _new_ids(model, count: int) -> list[int] | None:
    """Ids for `count` new rows of the model, drawn from its sequence now, so that the rows
    referring to them can be made before any is written (PostgreSQL); None elsewhere."""
    if not _postgresql():
        return None
    if not count:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _insert_objects(model, objects: list) -> None:
    """Insert new model objects and set their ids: COPY when the ids are drawn already
    (PostgreSQL), else bulk_create, and where that does not return ids (SQLite before
    3.35) they are read back."""
    if not objects:
        return
    if objects[0].pk is None:
        model.objects.bulk_create(objects, batch_size=1000)
        if objects[0].pk is None:
            _read_back_ids(model, objects)
        return
    fields = model._meta.concrete_fields
    values = [_copy_value(field) for field in fields]
    _copy_rows(
        model._meta.db_table,
        [field.column for field in fields],
        (tuple(value(obj) for value in values) for obj in objects),
    )


def _read_back_ids(model, objects: list) -> None:
    # Each of these models has a natural key among its new rows: a film's external id, a
    # genre's name, a person's external id or else name.
    if model is Person:
        found = _find_people(
            [p.external_id for p in objects if p.external_id],
            [p.name for p in objects if not p.external_id],
        )
        for person in objects:
            key = ("id", person.external_id) if person.external_id else ("name", person.name)
            person.pk = found[key].pk
        return
    field = "external_id" if model is Film else "name"
    by_key = {getattr(obj, field): obj for obj in objects}
    for chunk in _chunks(by_key):
        rows = model.objects.filter(**{f"{field}__in": chunk}).values_list(field, "pk")
        for key, pk in rows:
            by_key[key].pk = pk


# Fields whose Python value is also what COPY writes: no preparation to run for them.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,  # and the auto, small, big and positive ones
    models.BooleanField,
    models.FloatField,
    models.DecimalField,
    models.ForeignKey,
)


def _copy_value(field):
    if isinstance(field, _PLAIN_FIELDS) or type(field) is models.DateField:
        return operator.attrgetter(field.attname)
    # auto_now(_add) dates, and any field needing Django's conversion (JSON, say).
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, add=True), connection)


def _select_by(model, columns: str, key: str, values: list, where: str = "") -> list[tuple]:
    """Rows (`columns`) of the model whose `key` column is one of `values`."""
    if not values:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    if _postgresql():
        # One array parameter, whatever the number of values.
        sql = f"SELECT {columns} FROM {table} WHERE {key} = ANY(%s) {where}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [values])
            return cursor.fetchall()
    rows = []
    with connection.cursor() as cursor:
        for chunk in _chunks(values):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {columns} FROM {table} WHERE {key} IN ({marks}) {where}", chunk)
            rows += cursor.fetchall()
    return rows


class _Found(NamedTuple):
    pk: int | None  # None until written, where ids are not drawn beforehand
    name: str


@dataclass
class _Batch:
    """A batch of records and every row they make, ready to be written in one go."""

    records: list[FilmRecord]
    new_codes: dict = field(default_factory=dict)  # Country / Language -> objects
    new_named: dict = field(default_factory=dict)  # Genre / Theme -> objects
    new_people: list = field(default_factory=list)  # (PersonRef, Person)
    renamed: list = field(default_factory=list)  # Person objects holding the new names
    people: dict = field(default_factory=dict)  # PersonRef.key -> _Found
    films: dict = field(default_factory=dict)  # external id -> Film, new or existing
    new_films: list = field(default_factory=list)
    changed_films: list = field(default_factory=list)
    replaced: list = field(default_factory=list)  # existing films: their credits... go
    # Through-table and credit rows, once every id is known.
    rows: list | None = None

    @property
    def film_ids(self) -> list[int]:
        return [self.films[r.external_id].pk for r in self.records]


class CatalogWriter:
    """Writes batches of records, each in one transaction; keeps the small vocabularies
    (genres, themes, countries, languages) in memory between batches.

    A batch is first prepared (existing rows looked up, new ones made) and then written.
    On PostgreSQL every id is drawn beforehand, so write_batches() prepares the next batch
    while the database writes the previous one, on a connection of its own in a thread:
    the database's work and ours then overlap on two CPUs.

    Call finish() after the last batch: it recounts the films of the people the import
    credited or uncredited, in one pass rather than once per batch (a person of 200 films
    would otherwise be recounted in every batch that names them).

    `films_per_person` (PersonRef.key -> films of the catalog crediting them, counted while
    validating) spares most of that recount: a person the import creates has no credits
    but the catalog's, so their count is known and written with them. Until the last
    batch is written it is ahead of their credits.
    """

    def __init__(self, *, films_per_person: dict[tuple, int] | None = None):
        self.stats = ImportStats()
        self._films_per_person = films_per_person
        self._created_with_count: set[int] = set()
        # People created by this import that later batches name again: their batch may
        # not be committed yet when the next one is prepared.
        self._created: dict[tuple, _Found] = {}
        self._genres = {g.name.casefold(): g.pk for g in Genre.objects.all()}
        self._themes = {t.name.casefold(): t.pk for t in Theme.objects.all()}
        self._slugs = {
            model: set(model.objects.values_list("slug", flat=True)) for model in (Genre, Theme)
        }
        self._countries = set(Country.objects.values_list("code", flat=True))
        self._languages = set(Language.objects.values_list("code", flat=True))
        self._people_to_recount: set[int] = set()

    def write_batch(self, records: list[FilmRecord]) -> list[int]:
        """Store the batch in one transaction; returns the ids of the films written."""
        if not records:
            return []
        batch = self.prepare(records)
        self.write(batch)
        return batch.film_ids

    def write_batches(self, batches, on_written=lambda films: None) -> None:
        """Store batch after batch (lists of records), each in one transaction."""
        # A connection of its own would not see the data of a transaction in progress
        # (a test's, say): then one batch after the other, on this connection.
        if not _postgresql() or connection.in_atomic_block:
            for records in batches:
                self.write_batch(records)
                on_written(len(records))
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer") as writer:
            writing = None
            try:
                for records in batches:
                    if not records:
                        continue
                    batch = self.prepare(records)
                    if writing is not None:
                        on_written(len(writing.result().records))
                    writing = writer.submit(self._write_returning, batch)
                if writing is not None:
                    on_written(len(writing.result().records))
            finally:
                # The thread's own connection (connection is per thread).
                writer.submit(lambda: connection.close()).result()

    def _write_returning(self, batch: _Batch) -> _Batch:
        self.write(batch)
        return batch

    def prepare(self, records: list[FilmRecord]) -> _Batch:
        """Everything but the writing: lookups, new rows, and their ids where they can be
        drawn beforehand."""
        batch = _Batch(records)
        self._prepare_codes(batch)
        self._prepare_named(batch, Genre, self._genres, (g for r in records for g in r.genres))
        self._prepare_named(batch, Theme, self._themes, (t for r in records for t in r.themes))
        self._prepare_people(batch)
        self._prepare_films(batch)
        if _postgresql():  # every id is drawn: the rows can be made now
            batch.rows = self._rows(batch)
        return batch

    @transaction.atomic
    def write(self, batch: _Batch) -> None:
        catalog_changed()
        for model, objects in batch.new_codes.items():
            model.objects.bulk_create(objects, ignore_conflicts=True)
        for model, known in ((Genre, self._genres), (Theme, self._themes)):
            named = batch.new_named.get(model, [])
            _insert_objects(model, named)
            known.update((obj.name.casefold(), obj.pk) for obj in named)
        people = [person for _, person in batch.new_people]
        _insert_objects(Person, people)
        for ref, person in batch.new_people:
            batch.people[ref.key] = _Found(person.pk, person.name)
            if self._films_per_person is not None:
                self._created_with_count.add(person.pk)
        if batch.renamed:
            Person.objects.bulk_update(
                batch.renamed, ["name", "slug", "search_name"], batch_size=1000
            )
            # Their films' cached pieces show the old name: films.page_cache keys on
            # updated_at.
            renamed = [person.pk for person in batch.renamed]
            Film.objects.filter(credits__person__in=renamed).update(updated_at=timezone.now())
        _insert_objects(Film, batch.new_films)
        # Only rows that changed: an UPDATE of every field of every film is the slow part
        # of re-importing a catalog that barely changed.
        Film.objects.bulk_update(batch.changed_films, FILM_FIELDS, batch_size=200)
        if batch.replaced:
            # Re-importing replaces a film's credits, genres, themes, countries and
            # languages; whoever loses a credit needs recounting as much as whoever gains one.
            credits = Credit.objects.filter(film_id__in=batch.replaced)
            self._people_to_recount.update(credits.values_list("person_id", flat=True))
            credits.delete()
            for through in self._throughs():
                through.objects.filter(film_id__in=batch.replaced).delete()
        for model, columns, rows in batch.rows or self._rows(batch):
            _insert_rows(model, columns, rows)
        self._people_to_recount.update(
            found.pk for found in batch.people.values() if found.pk not in self._created_with_count
        )

    def _rows(self, batch: _Batch) -> list[tuple]:
        """(model, columns, rows) of the batch's through tables and credits."""
        credits, genres, themes, countries, languages = [], [], [], [], []
        person_ids = {key: found.pk for key, found in batch.people.items()}
        for record in batch.records:
            film_id = batch.films[record.external_id].pk
            genres += [(film_id, self._genres[g.casefold()]) for g in record.genres]
            themes += [(film_id, self._themes[t.casefold()]) for t in record.themes]
            countries += [(film_id, code) for code in record.countries]
            languages += [(film_id, code) for code in record.languages]
            credits += _credits_for(record, film_id, person_ids)
        self.stats.credits += len(credits)
        return [
            (Film.genres.through, ["film_id", "genre_id"], genres),
            (Film.themes.through, ["film_id", "theme_id"], themes),
            (Film.countries.through, ["film_id", "country_id"], countries),
            (Film.languages.through, ["film_id", "language_id"], languages),
            (Credit, CREDIT_COLUMNS, credits),
        ]

    def finish(self, *, interrupted: bool = False) -> None:
        """Recount the films of everyone the batches written so far credited or uncredited;
        when the import stopped early, also of the people it created (their counts were
        those of the whole catalog)."""
        people = self._people_to_recount
        if interrupted:
            people |= self._created_with_count
        people = sorted(people)
        self._people_to_recount, self._created_with_count = set(), set()
        if _postgresql():
            for chunk in _chunks(people, 100_000):
                _recount_films_postgresql(chunk)
        else:
            for chunk in _chunks(people):
                Person.objects.filter(pk__in=chunk).refresh_film_counts()
        catalog_changed()  # after the counts: search shows them

    @staticmethod
    def _throughs():
        return [
            Film.genres.through,
            Film.themes.through,
            Film.countries.through,
            Film.languages.through,
        ]

    def _prepare_codes(self, batch: _Batch) -> None:
        for attr, model, known, resolve in (
            ("countries", Country, self._countries, resolve_country),
            ("languages", Language, self._languages, resolve_language),
        ):
            missing = {code for r in batch.records for code in getattr(r, attr)} - known
            if missing:
                batch.new_codes[model] = [
                    model(code=code, name=resolve(code).name) for code in sorted(missing)
                ]
                known |= missing

    def _prepare_named(self, batch: _Batch, model, known: dict[str, int], names) -> None:
        """New genres (or themes): the names not in `known`, which holds every name of the
        table as of the import's start and those the import added."""
        missing = {}
        for name in names:
            key = name.casefold()
            if key not in known:
                missing.setdefault(key, name)
        if not missing:
            return
        slugs, created = self._slugs[model], []
        for name in missing.values():
            # Room for the "-2" of a slug taken already.
            longest = model._meta.get_field("slug").max_length - 8
            slug, n = slug_for(name, model._meta.model_name, longest), 1
            base = slug
            while slug in slugs:
                n += 1
                slug = f"{base}-{n}"
            slugs.add(slug)
            created.append(model(name=name, slug=slug))
        ids = _new_ids(model, len(created))
        if ids is not None:
            for obj, pk in zip(created, ids, strict=True):
                obj.pk = pk
                known[obj.name.casefold()] = pk
        batch.new_named[model] = created

    def _prepare_people(self, batch: _Batch) -> None:
        wanted = {}
        for record in batch.records:
            for person in record.people():
                wanted.setdefault(person.key, person)
        found = {key: self._created[key] for key in wanted.keys() & self._created.keys()}
        with_id = [p.external_id for k, p in wanted.items() if p.external_id and k not in found]
        by_name = [p.name for k, p in wanted.items() if not p.external_id and k not in found]
        found.update(_find_people(with_id, by_name))

        missing = [p for key, p in wanted.items() if key not in found]
        if missing:
            counts = self._films_per_person
            people = [
                Person(
                    name=p.name,
                    slug=slug_for(p.name, "person"),
                    search_name=search_text(p.name, SEARCH_NAME_LENGTH),
                    external_id=p.external_id,
                    # Written with its final figure: see the class's docstring.
                    film_count=counts.pop(p.key, 0) if counts is not None else 0,
                )
                for p in missing
            ]
            ids = _new_ids(Person, len(people)) or [None] * len(people)
            for ref, person, pk in zip(missing, people, ids, strict=True):
                person.pk = pk
                found[ref.key] = _Found(pk, person.name)
            batch.new_people = list(zip(missing, people, strict=True))
            self.stats.people_created += len(missing)
            if ids[0] is not None:
                # Only those a later batch names again need remembering.
                self._created.update(
                    (ref.key, found[ref.key])
                    for ref, person in batch.new_people
                    if counts is None or person.film_count > 1
                )

        # A catalog may correct the name of a person it identifies by id.
        for key, ref in wanted.items():
            person = found[key]
            if ref.external_id and person.name != ref.name:
                batch.renamed.append(
                    Person(
                        pk=person.pk,
                        name=ref.name,
                        slug=slug_for(ref.name, "person"),
                        search_name=search_text(ref.name, SEARCH_NAME_LENGTH),
                    )
                )
                found[key] = _Found(person.pk, ref.name)
                if key in self._created:
                    self._created[key] = found[key]
        batch.people = found

    def _prepare_films(self, batch: _Batch) -> None:
        existing = {}
        for chunk in _chunks(r.external_id for r in batch.records):
            for film in Film.objects.filter(external_id__in=chunk):
                existing[film.external_id] = film
        for record in batch.records:
            film = existing.get(record.external_id)
            if film is None:
                film = Film(external_id=record.external_id)
                batch.new_films.append(film)
                _fill_film(film, record)
                continue
            before = _film_values(film)
            _fill_film(film, record)
            if _film_values(film) != before:
                film.updated_at = timezone.now()
                batch.changed_films.append(film)
            else:
                self.stats.unchanged += 1
        ids = _new_ids(Film, len(batch.new_films))
        for film, pk in zip(batch.new_films, ids or (), strict=bool(ids)):
            film.pk = pk
        batch.films = {r.external_id: existing.get(r.external_id) for r in batch.records}
        batch.films.update((film.external_id, film) for film in batch.new_films)
        batch.replaced = [film.pk for film in existing.values()]
        self.stats.created += len(batch.new_films)
        self.stats.updated += len(batch.changed_films)


def _find_people(with_id: list[str], by_name: list[str]) -> dict[tuple, _Found]:
    found = {}
    for pk, name, external_id in _select_by(
        Person, "id, name, external_id", "external_id", with_id
    ):
        found[("id", external_id)] = _Found(pk, name)
    for pk, name in _select_by(Person, "id, name", "name", by_name, "AND external_id IS NULL"):
        found[("name", name)] = _Found(pk, name)
    return found


def _recount_films_postgresql(person_ids: list[int]) -> None:
    """Person.refresh_film_counts() for many people in one statement: the films of each
    are counted in one pass over their credits (an index range per person)."""
    person = connection.ops.quote_name(Person._meta.db_table)
    credit = connection.ops.quote_name(Credit._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {person} AS p SET film_count = c.n
            FROM (
                SELECT t.id, count(DISTINCT cr.film_id) AS n
                FROM unnest(%s::bigint[]) AS t(id)
                LEFT JOIN {credit} AS cr ON cr.person_id = t.id
                GROUP BY t.id
            ) AS c
            WHERE p.id = c.id AND p.film_count <> c.n
            """,
            [person_ids],
        )


def _fill_film(film: Film, record: FilmRecord) -> None:
    film.title = record.title
    film.original_title = record.original_title
    film.slug = slug_for(record.title, "film")
    film.year = record.year
    film.release_date = record.release_date
    film.release_date_precision = record.release_date_precision
    film.runtime = record.runtime
    film.series = record.series
    film.source = record.source
    film.cast_in_billing_order = record.cast_in_billing_order
    film.synopsis = record.synopsis
    film.synopsis_source = record.synopsis_source
    film.catalog_rating_average = record.rating_average
    film.catalog_rating_count = record.rating_count
    film.set_search_fields()
    apply_combined_rating(film)


def _film_values(film: Film) -> list:
    return [getattr(film, name) for name in FILM_FIELDS if name != "updated_at"]


CREDIT_COLUMNS = ["film_id", "person_id", "role", "position", "character"]


def _credits_for(record: FilmRecord, film_id: int, person_ids: dict) -> list[tuple]:
    """The record's credits as rows of CREDIT_COLUMNS."""
    director, writer, actor = Credit.Role.DIRECTOR, Credit.Role.WRITER, Credit.Role.ACTOR
    credits = [
        (film_id, person_ids[p.key], director, i, "") for i, p in enumerate(record.directors)
    ]
    credits += [(film_id, person_ids[p.key], writer, i, "") for i, p in enumerate(record.writers)]
    seen = set()
    for position, member in enumerate(record.cast):
        # Two bare names may become one person with an id: one credit each.
        if member.person.key in seen:
            continue
        seen.add(member.person.key)
        credits.append((film_id, person_ids[member.person.key], actor, position, member.character))
    return credits
