import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wikidata import fetching
from wikidata.conversion import atomic_output
from wikidata.entities import FILM_CLASSES, ITEM_ID


class Command(BaseCommand):
    help = "Fetch films from Wikidata by their ids (Q132910) as catalog lines (docs/wikidata.md)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="+", metavar="QID", help="Items to fetch: Q132910 …")
        parser.add_argument(
            "-o",
            "--output",
            default="-",
            help="The catalog to write (.jsonl or .jsonl.gz); - (the default) for standard "
            "output, e.g. piped to `import_catalog -`.",
        )
        parser.add_argument(
            "--contact",
            default=None,
            help="How Wikidata's operators can reach you (an e-mail address or a web page), "
            "sent in the User-Agent; default: the WIKIDATA_CONTACT setting or variable.",
        )
        parser.add_argument(
            "--delay",
            type=float,
            default=getattr(settings, "WIKIDATA_REQUEST_DELAY", 1.0),
            help="Seconds between two requests (default 1).",
        )
        parser.add_argument(
            "--entity-data-url",
            default=getattr(settings, "WIKIDATA_ENTITY_DATA_URL", fetching.ENTITY_DATA_URL),
        )
        parser.add_argument(
            "--api-url", default=getattr(settings, "WIKIDATA_API_URL", fetching.API_URL)
        )
        parser.add_argument("--film-class", action="append", default=[], metavar="QID")

    def handle(self, ids, output, contact, delay, entity_data_url, api_url, film_class, **_):
        asked = [identifier.strip().upper() for identifier in ids]
        for identifier in asked + film_class:
            if not ITEM_ID.fullmatch(identifier):
                raise CommandError(f"{identifier!r} is not an item id like Q132910")
        contact = (
            contact
            or getattr(settings, "WIKIDATA_CONTACT", "")
            or os.environ.get("WIKIDATA_CONTACT", "")
        ).strip()
        if not contact:
            raise CommandError(
                "Wikimedia asks every client to say who it is: give an e-mail address or a "
                "web page with --contact or the WIKIDATA_CONTACT variable."
            )
        if delay < 0:
            raise CommandError("--delay must be 0 or more seconds")
        # Messages go to standard error when the catalog goes to standard output.
        notes = self.stderr if output == "-" else self.stdout
        client = fetching.Client(agent=fetching.user_agent(contact), delay=delay)
        try:
            lines, summary = fetching.fetch_films(
                asked,
                client,
                entity_data_url=entity_data_url,
                api_url=api_url,
                film_classes={*FILM_CLASSES, *film_class},
                on_note=notes.write,
            )
        except fetching.FetchError as error:
            raise CommandError(f"Fetching stopped: {error}. Nothing was written.") from None
        text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        if output == "-":
            self.stdout.write(text, ending="")
        else:
            with atomic_output(Path(output)) as file:
                file.write(text)
        notes.write(
            f"Fetched {summary.films:,} of {len(dict.fromkeys(asked)):,} films "
            f"in {client.requests:,} requests."
        )
        for line in summary.dropped_lines():
            notes.write(line)
