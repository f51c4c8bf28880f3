import gzip
import shutil
import sys
import tempfile
import time
import zlib
from collections import Counter
from contextlib import contextmanager, suppress
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from films.catalog.importing.bulk_load import build_deferred_indexes, indexes_built_afterwards
from films.catalog.importing.lock import ImportRunning, one_import_at_a_time
from films.catalog.importing.runs import (
    counts_recounted,
    import_finished,
    import_started,
    repair_stopped_imports,
    source_of,
    stopped_import_of,
)
from films.catalog.importing.validation import CatalogError, check_lines, parse_line
from films.catalog.importing.writer import CatalogWriter
from films.catalog.models import (
    CatalogImport,
    Country,
    Credit,
    Film,
    Genre,
    Language,
    Person,
    Theme,
)
from films.catalog.statistics import refresh_after_bulk_write

BATCH_SIZE = 1000


class Command(BaseCommand):
    help = "Import a film catalog in JSON Lines (.jsonl, .jsonl.gz, or - for standard input)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="A .jsonl or .jsonl.gz file, or - for standard input."
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Report and skip bad lines."
        )
        parser.add_argument("--dry-run", action="store_true", help="Validate only; write nothing.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the catalog has films, unless an import of this file stopped "
            "before it finished: it is then imported again.",
        )
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Count every person's films again, as after a stopped import; import nothing.",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, path, skip_invalid, dry_run, if_empty, batch_size, repair, **options):
        if (path is None) != repair or (repair and dry_run):
            raise CommandError("Name a catalog file (- for standard input), or --repair alone.")
        if dry_run:  # reads only
            self._import(path, skip_invalid, dry_run, if_empty, batch_size)
            return
        try:
            with one_import_at_a_time():
                # What an import stopped on the way left, made right before anything else.
                self._build_deferred_indexes(" a stopped import left")
                if repair:
                    self._repair(always=True)
                    return
                stopped = list(CatalogImport.objects.left_unfinished())
                if not all(run.source == source_of(path) for run in stopped):
                    self._repair(always=False)
                    stopped = []
                # Else this import finishes the one that stopped, and rewrites the counts
                # that one left as it goes: a recount of everyone at its end, rather than
                # before it too, spares rewriting them twice (400,000 rows at 300,000 films).
                try:
                    self._import(path, skip_invalid, dry_run, if_empty, batch_size, stopped)
                except CommandError:
                    if stopped:  # nothing was written: the counts still want repairing
                        self._repair(always=False)
                    raise
        except ImportRunning:
            raise CommandError(
                "Another import is writing to this database; nothing was imported. "
                "Run this one when it has finished."
            ) from None

    def _repair(self, *, always: bool) -> None:
        repair = repair_stopped_imports(always=always)
        if repair is None:
            return
        for run in repair.imports:
            self.stdout.write(_stopped(run))
        self.stdout.write(
            f"Counted every person's films again: {repair.people:,} count(s) corrected."
        )

    def _import(self, path, skip_invalid, dry_run, if_empty, batch_size, finishing=()):
        """`finishing`: stopped imports of the same file, whose counts this one repairs."""
        if if_empty and Film.objects.exists():
            if dry_run or stopped_import_of(path) is None:
                self.stdout.write("The catalog already has films; nothing imported.")
                return
            self.stdout.write(f"The last import of {_name(path)} stopped: importing it again.")
        for stopped in finishing:
            self.stdout.write(
                f"{_stopped(stopped)} This one finishes it, then counts every person's films again."
            )
        started = time.monotonic()
        with _open_catalog(path) as catalog:
            # First pass: validate every line, so a bad line leaves the database untouched.
            try:
                valid, errors, films_per_person = self._validate(catalog)
            except (OSError, EOFError, zlib.error) as exc:  # a truncated or corrupt .gz
                raise CommandError(f"{_name(path)} cannot be read: {exc}") from None
            for error in errors:
                self.stderr.write(f"{_name(path)}: {error}")
            if errors and not skip_invalid:
                raise CommandError(
                    f"{len(errors)} invalid line(s); nothing was imported. "
                    "Fix them, or pass --skip-invalid to import the other lines."
                )
            if dry_run:
                self.stdout.write(
                    f"Dry run: {valid:,} valid film(s), {len(errors):,} invalid; nothing written."
                )
                return
            bad_lines = {error.line_number for error in errors}
            run = import_started(path, valid)
            writer = CatalogWriter(films_per_person=films_per_person, run_id=run.pk)
            catalog.seek(0)
            with indexes_built_afterwards(
                first_load=not Film.objects.exists(), build=self._build_deferred_indexes
            ):
                try:
                    self._write(catalog, writer, bad_lines, valid, batch_size)
                except Exception:
                    # The batches written before the failure stay: so do their people's
                    # counts.
                    with suppress(DatabaseError):
                        writer.finish(interrupted=True, everyone=bool(finishing))
                        counts_recounted(run, *finishing)
                    raise
                writer.finish(everyone=bool(finishing))
                import_finished(run)
                counts_recounted(*finishing)
        if writer.stats.created or writer.stats.updated:
            # The vocabularies too: without statistics the planner guesses their sizes
            # (176 rows for 3,000 themes) in every query that names genres or themes.
            refresh_after_bulk_write([Film, Person, Credit, Genre, Theme, Country, Language])

        stats = writer.stats
        stats.skipped = len(bad_lines)
        self.stdout.write(
            f"Imported {stats.created + stats.updated + stats.unchanged:,} films "
            f"({stats.created:,} created, {stats.updated:,} updated, "
            f"{stats.unchanged:,} unchanged, {stats.skipped:,} skipped), "
            f"{stats.people_created:,} new people, {stats.credits:,} credits "
            f"in {time.monotonic() - started:.1f} s."
        )

    def _build_deferred_indexes(self, which=""):
        built, failed = build_deferred_indexes()
        if built:
            self.stdout.write(f"Built the indexes{which}: {', '.join(built)}.")
        if failed:
            self.stderr.write(
                f"Could not build the indexes{which}: {', '.join(failed)} (see the log); "
                "the next import tries again. Search and lists are slow without them."
            )

    def _validate(self, catalog) -> tuple[int, list[CatalogError], Counter]:
        """(valid lines, errors, films per person of the valid lines)."""
        valid, errors, first_line_of = 0, [], {}
        films_per_person = Counter()
        for checked in check_lines(_lines(catalog)):
            if isinstance(checked, CatalogError):
                errors.append(checked)
                continue
            number, external_id, people = checked
            if external_id in first_line_of:
                errors.append(
                    CatalogError(
                        number,
                        "id",
                        f"{external_id!r} is already on line {first_line_of[external_id]}",
                    )
                )
                continue
            first_line_of[external_id] = number
            valid += 1
            films_per_person.update(people)
        return valid, errors, films_per_person

    def _write(self, catalog, writer, bad_lines, total, batch_size):
        with tqdm(
            total=total, unit=" films", disable=not sys.stderr.isatty(), file=sys.stderr
        ) as progress:
            writer.write_batches(
                _batches(catalog, bad_lines, batch_size), on_written=progress.update
            )


def _batches(catalog, bad_lines, batch_size):
    batch = []
    for number, raw in enumerate(_lines(catalog), start=1):
        if number in bad_lines:
            continue
        record = parse_line(number, raw)
        if record is None:
            continue
        batch.append(record)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _lines(catalog):
    for raw in catalog:
        yield raw.decode("utf-8", errors="replace")


def _name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def _stopped(run: CatalogImport) -> str:
    return (
        f"An import of {_name(run.source)} started at {run.started_at:%Y-%m-%d %H:%M} UTC "
        f"stopped after {run.films_written:,} of {run.films_to_write:,} films."
    )


@contextmanager
def _open_catalog(path: str):
    """The catalog as a seekable binary file (two passes), gzip decoded."""
    if path == "-":
        # Standard input can be read once only: keep a copy for the second pass.
        with tempfile.TemporaryFile() as copy:
            shutil.copyfileobj(sys.stdin.buffer, copy)
            copy.seek(0)
            yield _maybe_gunzip(copy)
        return
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"No such catalog file: {path}")
    with file.open("rb") as raw:
        yield _maybe_gunzip(raw)


def _maybe_gunzip(raw):
    start = raw.read(2)
    raw.seek(0)
    return gzip.GzipFile(fileobj=raw) if start == b"\x1f\x8b" else raw
