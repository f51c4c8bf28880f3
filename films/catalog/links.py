"""Ids of films and people on other sites (a catalog's `links`, docs/catalog-format.md), and
the pages they lead to: one place for what a valid id looks like and where it points."""

import re
from typing import NamedTuple
from urllib.parse import quote


class LinkKind(NamedTuple):
    site: str  # as the page names it
    pattern: re.Pattern  # what a valid id looks like
    url: str  # the page, with {} for the id


def _wikipedia(language: str) -> LinkKind:
    # An article's title: any text of a sane length, made into its address.
    return LinkKind(
        f"Wikipedia ({language})" if language != "en" else "Wikipedia",
        re.compile(r"[^\x00-\x1f#<>\[\]{}|]{1,255}"),
        f"https://{language}.wikipedia.org/wiki/{{}}",
    )


# In the order pages show them.
FILM_LINKS = {
    "wikipedia_en": _wikipedia("en"),
    "wikipedia_fr": _wikipedia("fr"),
    "imdb": LinkKind("IMDb", re.compile(r"tt\d{7,9}"), "https://www.imdb.com/title/{}/"),
    "tmdb": LinkKind("TMDB", re.compile(r"\d{1,10}"), "https://www.themoviedb.org/movie/{}"),
    "wikidata": LinkKind("Wikidata", re.compile(r"Q\d{1,10}"), "https://www.wikidata.org/wiki/{}"),
}
PERSON_LINKS = {
    **FILM_LINKS,
    "imdb": LinkKind("IMDb", re.compile(r"nm\d{7,9}"), "https://www.imdb.com/name/{}/"),
    "tmdb": LinkKind("TMDB", re.compile(r"\d{1,10}"), "https://www.themoviedb.org/person/{}"),
}


# Licences of text a catalog may carry (a synopsis's), by the name it gives, upper case.
LICENSES = {
    f"CC {name} {version}": f"https://creativecommons.org/licenses/{name.lower()}/{version}/"
    for name in ("BY", "BY-SA")
    for version in ("2.0", "2.5", "3.0", "4.0")
}
LICENSES["CC0"] = LICENSES["CC0 1.0"] = "https://creativecommons.org/publicdomain/zero/1.0/"


def valid_link(kinds: dict[str, LinkKind], key: str, value: str) -> bool:
    kind = kinds.get(key)
    return kind is not None and kind.pattern.fullmatch(value) is not None


def pages_elsewhere(kinds: dict[str, LinkKind], links: dict, external_id: str) -> list[dict]:
    """[{"name", "url"}] of an item's pages elsewhere: its links, and its catalog id when
    that names a site the links do not ("imdb:tt0113627", "wikidata:Q132910")."""
    found = dict(links or {})
    prefix, _, identifier = (external_id or "").partition(":")
    if prefix in kinds and prefix not in found:
        found[prefix] = identifier
    return [
        {"name": kind.site, "url": kind.url.format(_in_url(key, found[key]))}
        for key, kind in kinds.items()
        if key in found and valid_link(kinds, key, found[key])
    ]


def _in_url(key: str, value: str) -> str:
    if key.startswith("wikipedia_"):
        return quote(value.replace(" ", "_"), safe="_(),'!:;@$*-.~")
    return value
