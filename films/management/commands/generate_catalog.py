import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from films.synthetic import write_catalog


class Command(BaseCommand):
    help = "Write a synthetic catalog (invented films and people) for measuring the site at scale."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write it: a .jsonl.gz or .jsonl file.")
        parser.add_argument("--films", type=int, default=300_000, help="Number of films.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed, the same file.")

    def handle(self, path, films, seed, **options):
        if films < 1:
            raise CommandError("--films must be at least 1.")
        target = Path(path)
        if not target.parent.is_dir():
            raise CommandError(f"No such directory: {target.parent}")
        started = time.monotonic()
        # Written under another name first, so that an interrupted run leaves no half file
        # that a later run (make bench) would take for a whole catalog.
        partial = target.with_name(target.name + ".partial")
        with tqdm(
            total=films, unit=" films", disable=not sys.stderr.isatty(), file=sys.stderr
        ) as progress:
            written = write_catalog(
                partial, films=films, seed=seed, on_progress=progress.update, gzipped=_gz(target)
            )
        partial.replace(target)
        self.stdout.write(
            f"Wrote {written:,} synthetic films (seed {seed}) to {path} "
            f"in {time.monotonic() - started:.1f} s."
        )


def _gz(path: Path) -> bool:
    return path.name.endswith(".gz")
