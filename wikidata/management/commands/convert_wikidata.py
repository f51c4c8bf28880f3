import sys
import time
import zlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from wikidata.conversion import Progress, Summary, convert_dump
from wikidata.dumps import InvalidEntity
from wikidata.entities import FILM_CLASSES, ITEM_ID


class Command(BaseCommand):
    help = "Convert the films of a Wikidata JSON dump into a catalog (docs/wikidata.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "dump", help="latest-all.json.gz or .bz2, or JSON Lines of entities (.jsonl[.gz|.bz2])"
        )
        parser.add_argument("out", help="The catalog to write: .jsonl, or .jsonl.gz compressed.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Report and skip malformed entities instead of stopping at the first.",
        )
        parser.add_argument(
            "--film-class",
            action="append",
            default=[],
            metavar="QID",
            help="One more class whose instances (P31) are films; may be repeated.",
        )
        parser.add_argument(
            "--python-decompression",
            action="store_true",
            help="Decompress in Python even where pigz, gzip or lbzip2 is installed.",
        )

    def handle(self, dump, out, skip_invalid, film_class, python_decompression, **options):
        source, target = Path(dump), Path(out)
        if not source.is_file():
            raise CommandError(f"No such dump: {dump}")
        if not target.parent.is_dir():
            raise CommandError(f"No folder for the catalog: {target.parent}")
        if target.exists() and target.resolve() == source.resolve():
            raise CommandError("The catalog would overwrite the dump: name another file.")
        for identifier in film_class:
            if not ITEM_ID.fullmatch(identifier):
                raise CommandError(f"--film-class {identifier!r} is not an item id like Q11424")
        started = time.monotonic()
        bar = _ProgressBar(enabled=sys.stderr.isatty())
        try:
            summary = convert_dump(
                source,
                target,
                skip_invalid=skip_invalid,
                film_classes={*FILM_CLASSES, *film_class},
                on_progress=bar.update,
                on_invalid=lambda invalid: self.stderr.write(f"{dump}: {invalid} (skipped)"),
                external_decompressor=not python_decompression,
            )
        except InvalidEntity as invalid:
            raise CommandError(
                f"{dump}: {invalid}. Nothing was written; pass --skip-invalid to skip "
                "malformed entities."
            ) from None
        except (OSError, EOFError, zlib.error) as error:  # a corrupt or cut file
            raise CommandError(f"{dump} cannot be read: {error}. Nothing was written.") from None
        finally:
            bar.close()
        self._report(summary, target, time.monotonic() - started)

    def _report(self, summary: Summary, target: Path, seconds: float) -> None:
        rate = summary.entities / seconds if seconds else 0
        self.stdout.write(
            f"Read {summary.entities:,} entities ({summary.passes} passes, {seconds:,.0f} s, "
            f"{rate:,.0f} entities/s); wrote {summary.films:,} films to {target}."
        )
        if summary.invalid:
            self.stdout.write(f"Skipped {summary.invalid:,} malformed entities.")
        if summary.redirects:
            self.stdout.write(f"Followed {summary.redirects:,} redirects.")
        if summary.dropped:
            self.stdout.write("Left out:")
            for line in summary.dropped_lines():
                self.stdout.write(line)


class _ProgressBar:
    """A bar per pass over the dump: bytes of the file read, with the entities read, the
    films kept and the entities read a second in the bar's text."""

    NAMES = {"films": "Films", "labels": "Labels"}

    def __init__(self, *, enabled: bool):
        self.enabled = enabled
        self.bar: tqdm | None = None
        self.step = ""
        self.started = 0.0

    def update(self, progress: Progress) -> None:
        if not self.enabled:
            return
        if progress.step != self.step or self.bar is None:
            self.close()
            self.step = progress.step
            self.started = time.monotonic()
            self.bar = tqdm(
                total=progress.size,
                unit="B",
                unit_scale=True,
                desc=self.NAMES.get(progress.step, progress.step),
                file=sys.stderr,
            )
        elapsed = max(time.monotonic() - self.started, 1e-9)
        self.bar.set_postfix_str(
            f"{progress.entities:,} entities, {progress.films:,} "
            f"{'films' if progress.step == 'films' else 'found'}, "
            f"{progress.entities / elapsed:,.0f}/s",
            refresh=False,
        )
        self.bar.update(progress.bytes_read - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
