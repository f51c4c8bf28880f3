from django.apps import AppConfig


class WikidataConfig(AppConfig):
    """The convert_wikidata and fetch_wikidata commands; no models."""

    name = "wikidata"
