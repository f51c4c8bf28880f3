import json

from django.core.management.base import BaseCommand, CommandError

from films.catalog.models import Film
from films.catalog.relations import load_relations
from recommendations.services import load_similar, similar_as_json


class Command(BaseCommand):
    help = "Print the similar films of films given by their catalog id, one JSON line each."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="+", metavar="ID", help="Catalog ids (wikidata:Q...).")
        parser.add_argument("--limit", type=int, default=None, help="At most N suggestions.")
        parser.add_argument(
            "--json", action="store_true", help="JSON Lines output (the only format)."
        )

    def handle(self, ids, limit, **options):
        films = Film.objects.in_bulk(ids, field_name="external_id")
        unknown = [i for i in ids if i not in films]
        if unknown:
            raise CommandError(f"Unknown film id: {', '.join(unknown)}", returncode=2)
        for external_id in ids:
            film = films[external_id]
            load_relations(film)
            similar = load_similar(film, limit=limit)
            self.stdout.write(json.dumps(similar_as_json(film, similar), ensure_ascii=False))
