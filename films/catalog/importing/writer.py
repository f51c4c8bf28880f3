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
from films.catalog.importing.validation import FilmRecord, Named, PersonRef
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
    "series_ordinal",
    "series_names",
    "titles",
    "links",
    "source",
    "cast_in_billing_order",
    "synopsis",
    "synopsis_source",
    "synopsis_license",
    "synopsis_url",
    "catalog_rating_average",
    "catalog_rating_count",
    "catalog_rating_kind",
    "rating_average",
    "rating_count",
    "rating_rank",
    "renown",
    "search_title",
    "search_original_title",
    "search_other_titles",
    "updated_at",
]


@dataclass
class _Batch:
    """A batch of records and every row they make, ready to be written in one go."""

    records: list[FilmRecord]
    new_codes: dict = field(default_factory=dict)  # Country / Language -> objects
    new_named: dict = field(default_factory=dict)  # Genre / Theme -> objects
    changed_named: dict = field(default_factory=dict)  # Genre / Theme -> objects
    new_people: list = field(default_factory=list)  # (PersonRef, Person)
    renamed: list = field(default_factory=list)  # Person objects: new names or links
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
        self._genres = Vocabulary(Genre)
        self._themes = Vocabulary(Theme)
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
        for vocabulary, attr in ((self._genres, "genres"), (self._themes, "themes")):
            new, changed = vocabulary.prepare(n for r in records for n in getattr(r, attr))
            batch.new_named[vocabulary.model] = new
            batch.changed_named[vocabulary.model] = changed
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
        for vocabulary in (self._genres, self._themes):
            model = vocabulary.model
            named = batch.new_named.get(model, [])
            insert_objects(model, named)
            vocabulary.added(named)
            changed = batch.changed_named.get(model, [])
            if changed:
                model.objects.bulk_update(changed, ["name", "external_id", "names"])
                # Their films' cached pieces name them: caching.fragments keys on updated_at.
                relation = "genres" if model is Genre else "themes"
                Film.objects.filter(**{f"{relation}__in": changed}).update(
                    updated_at=timezone.now()
                )
        people = [person for _, person in batch.new_people]
        insert_objects(Person, people)
        for ref, person in batch.new_people:
            batch.people[ref.key] = Found(person.pk, person.name)
            if self._films_per_person is not None:
                self._created_with_count.add(person.pk)
        if batch.renamed:
            Person.objects.bulk_update(
                batch.renamed, ["name", "slug", "search_name", "links"], batch_size=1000
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
        credits, countries, languages = [], [], []
        genres: list[tuple] = []
        themes: list[tuple] = []
        person_ids = {key: found.pk for key, found in batch.people.items()}
        for record in batch.records:
            film_id = batch.films[record.external_id].pk
            # Two names of a line may be one genre (a name, and an id naming it otherwise).
            genres += {(film_id, self._genres.find(g)): None for g in record.genres}
            themes += {(film_id, self._themes.find(t)): None for t in record.themes}
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
                    links=dict(p.links),
                    # Written with its final figure: see the class's docstring.
                    film_count=counts.pop(p.key, 0) if counts is not None else 0,
                )
                for p in missing
            ]
            drawn = new_ids(Person, len(people))
            ids: list[int | None] = list(drawn) if drawn is not None else [None] * len(people)
            for ref, person, pk in zip(missing, people, ids, strict=True):
                person.pk = pk
                found[ref.key] = Found(pk, person.name, ref.links)
            batch.new_people = list(zip(missing, people, strict=True))
            self.stats.people_created += len(missing)
            if ids[0] is not None:
                # Only those a later batch names again need remembering.
                self._created.update(
                    (ref.key, found[ref.key])
                    for ref, person in batch.new_people
                    if counts is None or person.film_count > 1
                )

        # A catalog may correct the name of a person it identifies by id, and give or
        # correct anyone's links (a line without links leaves them as they are).
        for key, ref in wanted.items():
            person = found[key]
            name = ref.name if ref.external_id else person.name
            links = ref.links or person.links
            if (name, links) != (person.name, person.links):
                batch.renamed.append(
                    Person(
                        pk=person.pk,
                        name=name,
                        slug=slug_for(name, "person"),
                        search_name=search_text(name, SEARCH_NAME_LENGTH),
                        links=dict(links),
                    )
                )
                found[key] = Found(person.pk, name, links)
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
    film.series_ordinal = record.series_ordinal
    film.series_names = record.series_names
    film.titles = record.titles
    film.links = record.links
    film.source = record.source
    film.cast_in_billing_order = record.cast_in_billing_order
    film.synopsis = record.synopsis
    film.synopsis_source = record.synopsis_source
    film.synopsis_license = record.synopsis_license
    film.synopsis_url = record.synopsis_url
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


class Vocabulary:
    """The genres (or themes) of the database, kept in memory through an import: found by
    the catalog's id, else by name ignoring case ("Drama" and "drama" are one genre)."""

    def __init__(self, model):
        self.model = model
        self._by_id: dict[str, int] = {}
        self._by_name: dict[str, int] = {}
        # What each row holds, to write only what a catalog changes.
        self._rows: dict[int, tuple] = {}
        for pk, name, external_id, names in model.objects.values_list(
            "pk", "name", "external_id", "names"
        ):
            self._remember(pk, name, external_id, names)
        self._slugs = set(model.objects.values_list("slug", flat=True))

    def _remember(self, pk, name, external_id, names) -> None:
        self._rows[pk] = (name, external_id, names)
        self._by_name[name.casefold()] = pk
        if external_id:
            self._by_id[external_id] = pk

    def find(self, named: Named) -> int | None:
        if named.external_id and named.external_id in self._by_id:
            return self._by_id[named.external_id]
        return self._by_name.get(named.name.casefold())

    def prepare(self, nameds) -> tuple[list, list]:
        """The new rows the names make, and the rows they change: an id given to a genre
        known by name, names in other languages, a name changed under the same id (unless
        another genre has it)."""
        missing: dict[str, Named] = {}
        changed: dict[int, object] = {}
        for named in nameds:
            pk = self.find(named)
            if pk is None:
                missing.setdefault(named.external_id or named.name.casefold(), named)
                continue
            name, external_id, names = self._rows[pk]
            if named.external_id and not external_id:
                # Known by name until now: it takes the catalog's id. One that has an id
                # keeps it (two ids naming one genre, "drama film" and "drama", say).
                external_id = named.external_id
            if named.names and dict(named.names) != names:
                names = dict(named.names)
            renaming = named.external_id and named.external_id == self._rows[pk][1]
            if (
                renaming
                and named.name != name
                and self._by_name.get(named.name.casefold(), pk) == pk
            ):
                name = named.name
            if (name, external_id, names) != self._rows[pk]:
                del self._by_name[self._rows[pk][0].casefold()]
                self._remember(pk, name, external_id, names)
                changed[pk] = self.model(pk=pk, name=name, external_id=external_id, names=names)
        created: list = []
        taken: set[str] = set()
        for named in missing.values():
            keys = {named.name.casefold(), *filter(None, [named.external_id])}
            if keys & taken:  # a name and an id naming one new genre, in one batch
                continue
            taken |= keys
            # Room for the "-2" of a slug taken already.
            longest = self.model._meta.get_field("slug").max_length - 8
            slug = base = slug_for(named.name, self.model._meta.model_name, longest)
            n = 1
            while slug in self._slugs:
                n += 1
                slug = f"{base}-{n}"
            self._slugs.add(slug)
            obj = self.model(
                name=named.name, slug=slug, external_id=named.external_id, names=dict(named.names)
            )
            created.append(obj)
        ids = new_ids(self.model, len(created))
        if ids is not None:
            for obj, pk in zip(created, ids, strict=True):
                obj.pk = pk
            self.added(created)
        return created, list(changed.values())

    def added(self, objects) -> None:
        for obj in objects:
            self._remember(obj.pk, obj.name, obj.external_id, obj.names)
