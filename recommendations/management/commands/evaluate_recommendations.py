import json

from django.core.management.base import BaseCommand

from recommendations.evaluation import evaluate


class Command(BaseCommand):
    help = "Print figures on the stored similar films (same director, series, sanity)."

    def handle(self, **options):
        self.stdout.write(json.dumps(evaluate(), indent=2))
