import sys
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from films.catalog.models import Film
from films.catalog.statistics import refresh_after_bulk_write
from recommendations.models import FilmRecommendations
from recommendations.services import build_all


class Command(BaseCommand):
    help = "Build the similar films and their counts for every film of the catalog."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Build only when some film has no suggestions yet (first start).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes (default: one per CPU from 20,000 films, else one).",
        )

    def handle(self, if_missing, workers, **options):
        films = Film.objects.count()
        if if_missing and FilmRecommendations.objects.count() >= films:
            self.stdout.write("Every film has its similar films; nothing to build.")
            return
        started = time.monotonic()
        with tqdm(
            total=films, unit=" films", disable=not sys.stderr.isatty(), file=sys.stderr
        ) as progress:
            done = build_all(on_progress=progress.update, workers=workers)
        refresh_after_bulk_write([FilmRecommendations])
        self.stdout.write(
            f"Built similar films for {done:,} films in {time.monotonic() - started:.1f} s."
        )
