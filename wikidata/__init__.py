"""Reading Wikidata into the catalog format (docs/wikidata.md): a dump converted in two passes,
or a few items fetched from Wikidata itself."""
