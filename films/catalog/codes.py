"""ISO codes for countries (3166) and languages (639), resolved with pycountry.

The catalog format accepts a code or an English name; the database stores the code
and the English name, and pages translate the name with pycountry's gettext catalogs.
"""

import gettext
from dataclasses import dataclass
from functools import cache

import pycountry


@dataclass(frozen=True)
class Code:
    code: str
    name: str


# The names film credits use for the former countries that made many films; ISO's own
# names ("USSR, Union of Soviet Socialist Republics") read badly on a page.
HISTORIC_COUNTRY_NAMES = {
    "SUHH": "Soviet Union",
    "CSHH": "Czechoslovakia",
    "YUCS": "Yugoslavia",
    "DDDE": "East Germany",
    "CSXX": "Serbia and Montenegro",
}


@cache
def _historic_countries() -> dict[str, Code]:
    # Former countries have a four-letter ISO 3166-3 code, and films made there are
    # common in real catalogs.
    found = {}
    for country in pycountry.historic_countries:
        name = HISTORIC_COUNTRY_NAMES.get(country.alpha_4) or country.name.split(",")[0]
        code = Code(country.alpha_4, name)
        for key in (country.alpha_4, country.name, name):
            found[key.lower()] = code
    return found


# Where ISO's name is not the one people use on a film page.
COUNTRY_DISPLAY_NAMES = {
    "RU": "Russia",
    "TR": "Turkey",
    "CD": "Democratic Republic of the Congo",
    "PS": "Palestine",
}


# French names as a film page says them, where ISO's French name is formal ("Corée,
# République de") or missing (former countries); other names come from pycountry.
FRENCH_NAMES = {
    "South Korea": "Corée du Sud",
    "North Korea": "Corée du Nord",
    "Russia": "Russie",
    "Soviet Union": "Union soviétique",
    "Czechoslovakia": "Tchécoslovaquie",
    "Yugoslavia": "Yougoslavie",
    "East Germany": "Allemagne de l'Est",
    "Serbia and Montenegro": "Serbie-et-Monténégro",
    "Taiwan": "Taïwan",
    "Iran": "Iran",
    "Vietnam": "Viêt Nam",
    "Syria": "Syrie",
    "Bolivia": "Bolivie",
    "Venezuela": "Venezuela",
    "Tanzania": "Tanzanie",
    "Moldova": "Moldavie",
    "Laos": "Laos",
    "Palestine": "Palestine",
    "Democratic Republic of the Congo": "République démocratique du Congo",
    "Turkey": "Turquie",
    "Modern Greek": "Grec moderne",
}


def country_name(country) -> str:
    return (
        COUNTRY_DISPLAY_NAMES.get(country.alpha_2)
        or getattr(country, "common_name", None)
        or country.name
    )


# Everyday English names that ISO's lists spell otherwise ("Russian Federation").
COUNTRY_ALIASES = {
    "russia": "RU",
    "turkey": "TR",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "palestine": "PS",
    "ivory coast": "CI",
    "the bahamas": "BS",
    "bahamas": "BS",
    "macedonia": "MK",
    "burma": "MM",
    "cape verde": "CV",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "holland": "NL",
    "brunei": "BN",
    "vatican city": "VA",
    "east timor": "TL",
    "swaziland": "SZ",
    "macau": "MO",
    "the netherlands": "NL",
    "the gambia": "GM",
    "micronesia": "FM",
    "west germany": "DE",
}
LANGUAGE_ALIASES = {
    "punjabi": "pa",
    "swahili": "sw",
    "greek": "el",
    "modern greek": "el",
    "malay": "ms",
    "slovene": "sl",
    "nepali": "ne",
    "mandarin": "cmn",
    "cantonese": "yue",
    "farsi": "fa",
    "flemish": "nl",
    "pashto": "ps",
    "haitian creole": "ht",
}


@cache
def resolve_country(value: str) -> Code | None:
    """A country from its ISO 3166-1 alpha-2 code, a former country's ISO 3166-3 code,
    or its English name; None when it is none of these."""
    text = value.strip()
    # Aliases first: "UK" has two letters but is not an ISO code.
    alias = COUNTRY_ALIASES.get(text.lower())
    if alias:
        return resolve_country(alias)
    if len(text) == 2:
        country = pycountry.countries.get(alpha_2=text.upper())
        return Code(country.alpha_2, country_name(country)) if country else None
    if len(text) > 2:
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            # Only after today's countries, so that "France" is not "France, Metropolitan".
            return _historic_countries().get(text.lower())
        return Code(country.alpha_2, country_name(country))
    return None


@cache
def resolve_language(value: str) -> Code | None:
    """A language from its ISO 639-1 code, its English name, or its ISO 639-3 code."""
    text = value.strip()
    if len(text) == 2:
        language = pycountry.languages.get(alpha_2=text.lower())
    elif text.lower() in LANGUAGE_ALIASES:
        return resolve_language(LANGUAGE_ALIASES[text.lower()])
    else:
        # Names first: "Aka" is a language, and also the ISO 639-3 code of Akan.
        language = pycountry.languages.get(name=text)
        if language is None and len(text) == 3:
            language = pycountry.languages.get(alpha_3=text.lower())
        if language is None and text:
            try:
                language = pycountry.languages.lookup(text)
            except LookupError:
                language = None
    if language is None:
        return None
    code = getattr(language, "alpha_2", None) or language.alpha_3
    name = getattr(language, "common_name", None) or language.name
    # "Modern Greek (1453-)" -> "Modern Greek"
    return Code(code, name.split(" (")[0])


@cache
def _translations(domain: str, language: str):
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def translate_country_name(name: str, language: str) -> str:
    """The country's name in a site language ("United States" -> "États-Unis" in French)."""
    if language.startswith("en"):
        return name
    if language.startswith("fr") and name in FRENCH_NAMES:
        return FRENCH_NAMES[name]
    return _translations("iso3166-1", language).gettext(name)


# French names of the genres catalogs use: IMDb's vocabulary (the demo catalog's) and
# Wikidata's labels of the same genres. Keys in lower case.
FRENCH_GENRE_NAMES = {
    "action": "Action", "action film": "Film d’action",
    "adventure": "Aventure", "adventure film": "Film d’aventure",
    "animation": "Animation", "animated film": "Film d’animation",
    "biography": "Biographie", "biographical film": "Film biographique",
    "comedy": "Comédie", "comedy film": "Comédie",
    "crime": "Policier", "crime film": "Film policier",
    "documentary": "Documentaire", "documentary film": "Film documentaire",
    "drama": "Drame", "drama film": "Drame",
    "family": "Famille", "family film": "Film familial",
    "fantasy": "Fantastique", "fantasy film": "Film de fantasy",
    "film-noir": "Film noir", "film noir": "Film noir",
    "history": "Histoire", "historical film": "Film historique",
    "horror": "Épouvante", "horror film": "Film d’horreur",
    "music": "Musique", "music film": "Film musical",
    "musical": "Comédie musicale", "musical film": "Film musical",
    "mystery": "Mystère", "mystery film": "Film à énigme",
    "romance": "Romance", "romance film": "Film romantique",
    "sci-fi": "Science-fiction", "science fiction film": "Film de science-fiction",
    "science fiction": "Science-fiction",
    "short": "Court métrage", "short film": "Court métrage",
    "sport": "Sport", "sports film": "Film de sport",
    "thriller": "Thriller", "thriller film": "Thriller",
    "war": "Guerre", "war film": "Film de guerre",
    "western": "Western", "western film": "Western",
}  # fmt: skip


def translate_genre_name(name: str, language: str) -> str:
    """A genre's name in a site language ("Drama" -> "Drame" in French); a genre the table
    does not know keeps the catalog's name."""
    if language.startswith("fr"):
        return FRENCH_GENRE_NAMES.get(name.lower(), name)
    return name


def translate_language_name(name: str, language: str) -> str:
    if language.startswith("en"):
        return name
    if language.startswith("fr") and name in FRENCH_NAMES:
        return FRENCH_NAMES[name]
    return _translations("iso639-3", language).gettext(name)
