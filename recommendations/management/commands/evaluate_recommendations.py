import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recommendations.evaluation import evaluate, read_franchises

DEMO_FRANCHISES = Path(settings.BASE_DIR) / "fixtures" / "demo-franchises.json"


class Command(BaseCommand):
    help = (
        "Print figures on the stored similar films (same director, series, franchises of a "
        "hand-made list, sanity)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--franchises",
            default=str(DEMO_FRANCHISES),
            metavar="FILE",
            help="A hand-made list of franchises by catalog id (default: the demo "
            "catalog's, fixtures/demo-franchises.json); films not in the catalog are left "
            "out. --franchises '' leaves the report out.",
        )

    def handle(self, franchises, **options):
        try:
            listed = read_franchises(franchises) if franchises else None
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read the franchises in {franchises}: {error}") from error
        self.stdout.write(json.dumps(evaluate(listed), indent=2, ensure_ascii=False))
