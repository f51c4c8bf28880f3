"""The catalog format (docs/catalog-format.md): reading, validating and writing it.

`parse_line` turns one JSON line into a `FilmRecord` or raises `CatalogError` naming the
line and the field. `CatalogWriter.write_batch` stores a batch of records in one
transaction with a fixed number of queries per batch, whatever its size; `finish` then
recounts the films of the people concerned.
"""

import datetime
import json
import operator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.db import connection, models, transaction
from django.utils import timezone

from films.codes import resolve_country, resolve_language
from films.models import (
    Country,
    Credit,
    Film,
    Genre,
    Language,
    Person,
    ReleaseDatePrecision,
    Theme,
    slug_for,
)
from films.ratings import apply_combined_rating
from films.text import searchable

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


@dataclass(frozen=True)
class PersonRef:
    name: str
    external_id: str | None = None

    @property
    def key(self):
        return ("id", self.external_id) if self.external_id else ("name", self.name)


@dataclass(frozen=True)
class CastMember:
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
            where = f"{key}[{index}]"
            character = ""
            if isinstance(item, str):
                person = PersonRef(name=_person_name(self, where, item))
            elif isinstance(item, dict):
                name = item.get("name")
                if not isinstance(name, str):
                    raise self.error(f"{where}.name", "is required and must be a string")
                external_id = item.get("id")
                if external_id is not None and (
                    not isinstance(external_id, str) or not external_id.strip()
                ):
                    raise self.error(f"{where}.id", "must be a non-empty string")
                if external_id is not None and len(external_id.strip()) > 100:
                    raise self.error(f"{where}.id", "is longer than 100 characters")
                person = PersonRef(
                    name=_person_name(self, f"{where}.name", name),
                    external_id=external_id.strip() if external_id else None,
                )
                if with_character:
                    raw = item.get("character")
                    if raw is not None and not isinstance(raw, str):
                        raise self.error(f"{where}.character", "must be a string")
                    character = (raw or "").strip()[:300]
            else:
                raise self.error(where, f"must be a name or an object, not {_json_type(item)}")
            if person.key in seen:  # the same person twice in one role: keep the first
                continue
            seen.add(person.key)
            people.append(CastMember(person, character) if with_character else person)
        return people


def _person_name(line: _Line, where: str, name: str) -> str:
    name = name.strip()
    if not name:
        raise line.error(where, "a person's name must not be empty")
    if len(name) > 300:
        raise line.error(where, "a person's name is longer than 300 characters")
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


def _release_date(line: _Line) -> tuple[datetime.date | None, str]:
    text = line.text("release_date", max_length=10)
    if not text:
        return None, ""
    parts = text.split("-")
    if not all(part.isdigit() for part in parts) or [len(p) for p in parts] not in (
        [4],
        [4, 2],
        [4, 2, 2],
    ):
        raise line.error("release_date", f"must be YYYY, YYYY-MM or YYYY-MM-DD, not {text!r}")
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
    if not isinstance(data, dict):
        raise CatalogError(line_number, None, f"must be a JSON object, not {_json_type(data)}")
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


def _insert_objects(model, objects: list) -> bool:
    """Insert new model objects; True when their pk is set afterwards (PostgreSQL: ids
    drawn from the sequence, then COPY; elsewhere whatever bulk_create does)."""
    if not objects:
        return True
    if not _postgresql():
        model.objects.bulk_create(objects, batch_size=1000)
        return objects[0].pk is not None
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
    fields = meta.concrete_fields
    values = [_copy_value(field) for field in fields]
    _copy_rows(
        meta.db_table,
        [field.column for field in fields],
        (tuple(value(obj) for value in values) for obj in objects),
    )
    return True


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
    pk: int
    name: str


class CatalogWriter:
    """Writes batches of records; keeps the small vocabularies (genres, themes, countries,
    languages) in memory between batches.

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
        self._genres = {g.name.casefold(): g.pk for g in Genre.objects.all()}
        self._themes = {t.name.casefold(): t.pk for t in Theme.objects.all()}
        self._slugs = {
            model: set(model.objects.values_list("slug", flat=True)) for model in (Genre, Theme)
        }
        self._countries = set(Country.objects.values_list("code", flat=True))
        self._languages = set(Language.objects.values_list("code", flat=True))
        self._people_to_recount: set[int] = set()

    @transaction.atomic
    def write_batch(self, records: list[FilmRecord]) -> list[int]:
        """Store the batch; returns the ids of the films written."""
        if not records:
            return []
        self._ensure_codes(records)
        genre_ids = self._ensure_named(Genre, self._genres, (g for r in records for g in r.genres))
        theme_ids = self._ensure_named(Theme, self._themes, (t for r in records for t in r.themes))
        person_ids = self._ensure_people(records)
        films, created = self._save_films(records)

        film_ids = [films[r.external_id] for r in records]
        # Re-importing replaces a film's credits, genres, themes, countries and languages.
        # New films have none to replace.
        existing = [film_id for film_id in film_ids if film_id not in created]
        if existing:
            # Whoever loses a credit needs recounting as much as whoever gains one.
            self._people_to_recount.update(
                Credit.objects.filter(film_id__in=existing).values_list("person_id", flat=True)
            )
            Credit.objects.filter(film_id__in=existing).delete()
            for through in self._throughs():
                through.objects.filter(film_id__in=existing).delete()

        credits, genres, themes, countries, languages = [], [], [], [], []
        for record in records:
            film_id = films[record.external_id]
            genres += [(film_id, genre_ids[g.casefold()]) for g in record.genres]
            themes += [(film_id, theme_ids[t.casefold()]) for t in record.themes]
            countries += [(film_id, code) for code in record.countries]
            languages += [(film_id, code) for code in record.languages]
            credits += _credits_for(record, film_id, person_ids)
        _insert_rows(Film.genres.through, ["film_id", "genre_id"], genres)
        _insert_rows(Film.themes.through, ["film_id", "theme_id"], themes)
        _insert_rows(Film.countries.through, ["film_id", "country_id"], countries)
        _insert_rows(Film.languages.through, ["film_id", "language_id"], languages)
        _insert_rows(Credit, CREDIT_COLUMNS, credits)
        self.stats.credits += len(credits)
        self._people_to_recount.update(
            pk for pk in person_ids.values() if pk not in self._created_with_count
        )
        return film_ids

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

    @staticmethod
    def _throughs():
        return [
            Film.genres.through,
            Film.themes.through,
            Film.countries.through,
            Film.languages.through,
        ]

    def _ensure_codes(self, records):
        for attr, model, known, resolve in (
            ("countries", Country, self._countries, resolve_country),
            ("languages", Language, self._languages, resolve_language),
        ):
            missing = {code for r in records for code in getattr(r, attr)} - known
            if missing:
                model.objects.bulk_create(
                    [model(code=code, name=resolve(code).name) for code in sorted(missing)],
                    ignore_conflicts=True,
                )
                known |= missing

    def _ensure_named(self, model, known: dict[str, int], names) -> dict[str, int]:
        """Ids of the genres (or themes) by casefolded name, creating the missing ones in
        one INSERT. `known` holds every name of the table, loaded when the import began."""
        missing = {}
        for name in names:
            missing.setdefault(name.casefold(), name)
        missing = {key: name for key, name in missing.items() if key not in known}
        if not missing:
            return known
        slugs, created = self._slugs[model], []
        for name in missing.values():
            slug, n = slug_for(name, model._meta.model_name), 1
            base = slug
            while slug in slugs:
                n += 1
                slug = f"{base}-{n}"
            slugs.add(slug)
            created.append(model(name=name, slug=slug))
        model.objects.bulk_create(created)
        if created[0].pk is None:  # a database that does not return ids from a bulk insert
            by_name = dict(
                model.objects.filter(name__in=missing.values()).values_list("name", "pk")
            )
            for obj in created:
                obj.pk = by_name[obj.name]
        known.update((obj.name.casefold(), obj.pk) for obj in created)
        return known

    def _ensure_people(self, records) -> dict[tuple, int]:
        wanted = {}
        for record in records:
            for person in record.people():
                wanted.setdefault(person.key, person)
        with_id = {p.external_id: p for p in wanted.values() if p.external_id}
        by_name = {p.name: p for p in wanted.values() if not p.external_id}

        found = self._find_people(with_id, by_name)
        missing = [p for key, p in wanted.items() if key not in found]
        if missing:
            counts = self._films_per_person or {}
            people = [
                Person(
                    name=p.name,
                    slug=slug_for(p.name, "person"),
                    search_name=searchable(p.name),
                    external_id=p.external_id,
                    film_count=counts.get(p.key, 0),
                )
                for p in missing
            ]
            if _insert_objects(Person, people):
                for ref, person in zip(missing, people, strict=True):
                    found[ref.key] = _Found(person.pk, person.name)
            else:
                found = self._find_people(with_id, by_name)
            if self._films_per_person is not None:
                self._created_with_count.update(found[ref.key].pk for ref in missing)
            self.stats.people_created += len(missing)

        # A catalog may correct the name of a person it identifies by id.
        renamed = []
        for external_id, ref in with_id.items():
            person = found[("id", external_id)]
            if person.name != ref.name:
                renamed.append(
                    Person(
                        pk=person.pk,
                        name=ref.name,
                        slug=slug_for(ref.name, "person"),
                        search_name=searchable(ref.name),
                    )
                )
        if renamed:
            Person.objects.bulk_update(renamed, ["name", "slug", "search_name"], batch_size=1000)
        return {key: person.pk for key, person in found.items()}

    @staticmethod
    def _find_people(with_id: dict, by_name: dict) -> dict[tuple, _Found]:
        found = {}
        for pk, name, external_id in _select_by(
            Person, "id, name, external_id", "external_id", list(with_id)
        ):
            found[("id", external_id)] = _Found(pk, name)
        for pk, name in _select_by(
            Person, "id, name", "name", list(by_name), where="AND external_id IS NULL"
        ):
            found[("name", name)] = _Found(pk, name)
        return found

    def _save_films(self, records) -> tuple[dict[str, int], set[int]]:
        """Create or update the films; (external id -> film id, ids of the films created)."""
        existing = {}
        for chunk in _chunks(r.external_id for r in records):
            for film in Film.objects.filter(external_id__in=chunk):
                existing[film.external_id] = film
        new, changed = [], []
        for record in records:
            film = existing.get(record.external_id)
            if film is None:
                film = Film(external_id=record.external_id)
                new.append(film)
                _fill_film(film, record)
                continue
            before = _film_values(film)
            _fill_film(film, record)
            if _film_values(film) != before:
                film.updated_at = timezone.now()
                changed.append(film)
            else:
                self.stats.unchanged += 1
        ids = {film.external_id: film.pk for film in existing.values()}
        if not _insert_objects(Film, new):
            # Not every database returns ids from a bulk insert: read them back.
            by_external_id = {film.external_id: film for film in new}
            for chunk in _chunks(by_external_id):
                rows = Film.objects.filter(external_id__in=chunk).values_list("external_id", "pk")
                for external_id, pk in rows:
                    by_external_id[external_id].pk = pk
        ids.update((film.external_id, film.pk) for film in new)
        # Only rows that changed: an UPDATE of every field of every film is the slow part
        # of re-importing a catalog that barely changed.
        Film.objects.bulk_update(changed, FILM_FIELDS, batch_size=200)
        self.stats.created += len(new)
        self.stats.updated += len(changed)
        return ids, {film.pk for film in new}


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
