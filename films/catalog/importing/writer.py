"""Writing validated records: `CatalogWriter.write_batch` stores a batch in one transaction
with a fixed number of queries per batch, whatever its size; `finish` then recounts the films
of the people concerned."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from caching.surrogate_keys import catalog_changed
from films.catalog.codes import resolve_country, resolve_language
from films.catalog.importing.bulk_writes import (
    Found,
    chunks,
    find_people,
    insert_objects,
    insert_rows,
    new_ids,
    on_postgresql,
)
from films.catalog.importing.runs import batch_written, correct_every_film_count
from films.catalog.importing.validation import FilmRecord, PersonRef
from films.catalog.models import (
    SEARCH_NAME_LENGTH,
    Country,
    Credit,
    Film,
    Genre,
    Language,
    Person,
    Theme,
    search_text,
    slug_for,
)
from films.catalog.ratings import apply_combined_rating


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
    "catalog_rating_kind",
    "rating_average",
    "rating_count",
    "rating_rank",
    "search_title",
    "search_original_title",
    "updated_at",
]


@dataclass
class _Batch:
    """A batch of records and every row they make, ready to be written in one go."""

    records: list[FilmRecord]
    new_codes: dict = field(default_factory=dict)  # Country / Language -> objects
    new_named: dict = field(default_factory=dict)  # Genre / Theme -> objects
    new_people: list = field(default_factory=list)  # (PersonRef, Person)
    renamed: list = field(default_factory=list)  # Person objects holding the new names
    people: dict = field(default_factory=dict)  # PersonRef.key -> Found
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

    def __init__(
        self, *, films_per_person: dict[tuple, int] | None = None, run_id: int | None = None
    ):
        self.stats = ImportStats()
        self._run_id = run_id  # the CatalogImport that counts the films written
        self._films_per_person = films_per_person
        self._created_with_count: set[int] = set()
        # People created by this import that later batches name again: their batch may
        # not be committed yet when the next one is prepared.
        self._created: dict[tuple, Found] = {}
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
        if not on_postgresql() or connection.in_atomic_block:
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
        if on_postgresql():  # every id is drawn: the rows can be made now
            batch.rows = self._rows(batch)
        return batch

    @transaction.atomic
    def write(self, batch: _Batch) -> None:
        catalog_changed()
        for model, objects in batch.new_codes.items():
            model.objects.bulk_create(objects, ignore_conflicts=True)
        for model, known in ((Genre, self._genres), (Theme, self._themes)):
            named = batch.new_named.get(model, [])
            insert_objects(model, named)
            known.update((obj.name.casefold(), obj.pk) for obj in named)
        people = [person for _, person in batch.new_people]
        insert_objects(Person, people)
        for ref, person in batch.new_people:
            batch.people[ref.key] = Found(person.pk, person.name)
            if self._films_per_person is not None:
                self._created_with_count.add(person.pk)
        if batch.renamed:
            Person.objects.bulk_update(
                batch.renamed, ["name", "slug", "search_name"], batch_size=1000
            )
            # Their films' cached pieces show the old name: caching.fragments keys on
            # updated_at.
            renamed = [person.pk for person in batch.renamed]
            Film.objects.filter(credits__person__in=renamed).update(updated_at=timezone.now())
        insert_objects(Film, batch.new_films)
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
            insert_rows(model, columns, rows)
        self._people_to_recount.update(
            found.pk for found in batch.people.values() if found.pk not in self._created_with_count
        )
        if self._run_id is not None:
            batch_written(self._run_id, len(batch.records))

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

    def finish(self, *, interrupted: bool = False, everyone: bool = False) -> None:
        """Recount the films of everyone the batches written so far credited or uncredited;
        when the import stopped early, also of the people it created (their counts were
        those of the whole catalog). `everyone`: of every person instead, in one pass
        (runs.py), for an import that finishes one that stopped."""
        to_recount = self._people_to_recount
        if interrupted:
            to_recount |= self._created_with_count
        people = sorted(to_recount)
        self._people_to_recount, self._created_with_count = set(), set()
        if everyone:
            correct_every_film_count()
        elif on_postgresql():
            for chunk in chunks(people, 100_000):
                _recount_films_postgresql(chunk)
        else:
            for chunk in chunks(people):
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
                # Codes of the records are resolved already (validation): a name each.
                names = {code: getattr(resolve(code), "name", code) for code in missing}
                batch.new_codes[model] = [
                    model(code=code, name=names[code]) for code in sorted(missing)
                ]
                known |= missing

    def _prepare_named(self, batch: _Batch, model, known: dict[str, int], names) -> None:
        """New genres (or themes): the names not in `known`, which holds every name of the
        table as of the import's start and those the import added."""
        missing: dict[str, str] = {}
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
        ids = new_ids(model, len(created))
        if ids is not None:
            for obj, pk in zip(created, ids, strict=True):
                obj.pk = pk
                known[obj.name.casefold()] = pk
        batch.new_named[model] = created

    def _prepare_people(self, batch: _Batch) -> None:
        wanted: dict[tuple, PersonRef] = {}
        for record in batch.records:
            for person in record.people():
                wanted.setdefault(person.key, person)
        found = {key: self._created[key] for key in wanted.keys() & self._created.keys()}
        with_id = [p.external_id for k, p in wanted.items() if p.external_id and k not in found]
        by_name = [p.name for k, p in wanted.items() if not p.external_id and k not in found]
        found.update(find_people(with_id, by_name))

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
            drawn = new_ids(Person, len(people))
            ids: list[int | None] = list(drawn) if drawn is not None else [None] * len(people)
            for ref, person, pk in zip(missing, people, ids, strict=True):
                person.pk = pk
                found[ref.key] = Found(pk, person.name)
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
                found[key] = Found(person.pk, ref.name)
                if key in self._created:
                    self._created[key] = found[key]
        batch.people = found

    def _prepare_films(self, batch: _Batch) -> None:
        existing: dict[str, Film] = {}
        for chunk in chunks(r.external_id for r in batch.records):
            for found_film in Film.objects.filter(external_id__in=chunk):
                existing[found_film.external_id] = found_film
        for record in batch.records:
            if record.external_id not in existing:
                film = Film(external_id=record.external_id)
                batch.new_films.append(film)
                _fill_film(film, record)
                continue
            film = existing[record.external_id]
            before = _film_values(film)
            _fill_film(film, record)
            if _film_values(film) != before:
                film.updated_at = timezone.now()
                batch.changed_films.append(film)
            else:
                self.stats.unchanged += 1
        ids = new_ids(Film, len(batch.new_films))
        for film, pk in zip(batch.new_films, ids or (), strict=bool(ids)):
            film.pk = pk
        batch.films = {r.external_id: existing.get(r.external_id) for r in batch.records}
        batch.films.update((film.external_id, film) for film in batch.new_films)
        batch.replaced = [film.pk for film in existing.values()]
        self.stats.created += len(batch.new_films)
        self.stats.updated += len(batch.changed_films)


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
    film.catalog_rating_kind = record.rating_kind
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
