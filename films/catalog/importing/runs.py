"""Imports that heal: each import is written down before its first batch (a CatalogImport)
and marked finished at its end, so that one stopped on the way is known at the next start.

What a stopped import leaves wrong is the people's film counts (Person.film_count, which
search shows and ranks by). An import writes them ahead of the credits: a person it creates
gets the films the whole catalog gives them, and those it meets again are recounted once,
after the last batch. Killed in between (SIGKILL, the machine going down, the database
server going away), it left those counts wrong for everyone it had credited, and nothing
said so. Making them right in every batch would rewrite the rows of millions of people
during a first import, which now writes each person once; a recount of everyone after an
interruption costs seconds, half a minute when half the people of 300,000 films are wrong.

So the next import of another file recounts every person's films before anything else, in
one statement that writes only the counts that are wrong; the next import of the same file
finishes the stopped one and recounts everyone at its end, when the counts the stopped one
wrote ahead are right again; `import_catalog --repair` recounts alone; and until one of them
runs, `migrate` (and `check --database default`) warns of the stopped import and names that
command. The rest of what an import writes is right batch by batch (a film, its
credits and ratings are written in one transaction), and the indexes a first import drops
are written down and built again by the next (bulk_load.py).
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from caching.surrogate_keys import catalog_changed
from films.catalog.models import CatalogImport, Credit, Person


def source_of(path: str) -> str:
    """What a CatalogImport says of the file it imports: wherever the command ran from."""
    return path if path == "-" else str(Path(path).resolve())


def import_started(path: str, films_to_write: int) -> CatalogImport:
    """Written down, and committed, before the first batch."""
    return CatalogImport.objects.create(source=source_of(path), films_to_write=films_to_write)


def batch_written(run_id: int, films: int) -> None:
    """In the batch's transaction: what the import had written, should it stop."""
    CatalogImport.objects.filter(pk=run_id).update(films_written=F("films_written") + films)


def import_finished(run: CatalogImport) -> None:
    CatalogImport.objects.filter(pk=run.pk).update(finished_at=timezone.now())


def counts_recounted(*runs: CatalogImport) -> None:
    """Imports that stopped, whose people's films were counted again since: by the import
    itself before it gave up, or by the import of the same file that finished it."""
    pks = [run.pk for run in runs]
    CatalogImport.objects.filter(pk__in=pks).update(counts_repaired_at=timezone.now())


def stopped_import_of(path: str) -> CatalogImport | None:
    """The last import of this file, when it stopped before it finished (the caller holds
    the import's lock, so it is not running)."""
    last = CatalogImport.objects.filter(source=source_of(path)).first()
    return last if last and not last.finished_at else None


@dataclass
class Repair:
    imports: list[CatalogImport]  # those it repaired, newest first
    people: int  # whose counts were wrong


def repair_stopped_imports(*, always: bool = False) -> Repair | None:
    """Count every person's films again if an import stopped since the last repair (or
    `always`), and write down that it was repaired. The caller holds the import's lock
    (lock.py), so an unfinished import is not running."""
    stopped = list(CatalogImport.objects.left_unfinished())
    if not stopped and not always:
        return None
    with transaction.atomic():
        people = correct_every_film_count()
        CatalogImport.objects.filter(pk__in=[run.pk for run in stopped]).update(
            counts_repaired_at=timezone.now()
        )
        catalog_changed()  # stored search pages show the counts
    return Repair(stopped, people)


def correct_every_film_count() -> int:
    """Person.film_count made right for everyone, in one statement that writes only the
    counts that differ: how many did."""
    if connection.vendor != "postgresql":
        return Person.objects.all().correct_film_counts()
    # PostgreSQL counts every person's films in one pass over the credits, in the order of
    # their person index, where the ORM's correlated subquery would look up each person's
    # credits twice, once to compare and once to write.
    person = connection.ops.quote_name(Person._meta.db_table)
    credit = connection.ops.quote_name(Credit._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {person} AS p SET film_count = coalesce(c.n, 0)
            FROM {person} AS q
            LEFT JOIN (
                SELECT person_id, count(DISTINCT film_id) AS n FROM {credit} GROUP BY person_id
            ) AS c ON c.person_id = q.id
            WHERE p.id = q.id AND p.film_count <> coalesce(c.n, 0)
            """
        )
        return cursor.rowcount
