"""Wikidata entities to catalog lines (docs/catalog-format.md, docs/wikidata.md).

A film refers to people, genres, themes, a series, countries and languages by their ids; their
names and codes are in other entities. So a conversion goes in three steps, each reading one
thing from start to end:

1. the dump: each film becomes a *draft* (its own facts, and the ids it refers to), written
   to a temporary file; the ids are kept, and what each is needed for;
2. the dump again: the entities those ids name give their names, codes and IMDb ids, kept
   for those ids only (and again for the targets of redirects met on the way, if any);
3. the drafts: each becomes a catalog line, written to a temporary file that replaces OUT
   at the end.

Memory grows with the films' references, never with the other entities of the dump.
"""

import gzip
import io
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple, TypeVar

from films.catalog.codes import resolve_country, resolve_language
from films.catalog.importing.validation import MAX_ORDINAL, MAX_RUNTIME, MAX_YEAR, MIN_YEAR
from films.catalog.links import FILM_LINKS, PERSON_LINKS, valid_link
from films.catalog.text import without_control_characters
from wikidata import entities as wd
from wikidata.dumps import InvalidEntity, check_shape, entity_id, open_dump, parse

SOURCE = "Wikidata"
# Longest names the catalog format takes.
MAX_GENRE, MAX_THEME, MAX_SERIES, MAX_NAME, MAX_TITLE = 100, 200, 300, 300, 500

# What a referenced entity is needed for (bits: one id may be needed for several).
PERSON, NAMED, COUNTRY, LANGUAGE = 1, 2, 4, 8


PROGRESS_EVERY = 10_000  # lines between two reports of progress


T = TypeVar("T")


# --- One film ----------------------------------------------------------------------------


def film_draft(entity: wd.Entity, dropped: Counter) -> dict | None:
    """A film's own facts, with the entities it refers to as ids; None (and counted) for a
    film without any title."""
    original = _first(wd.monolingual_text(wd.main_snak(s)) for s in _best(entity, wd.TITLE))
    title = wd.label(entity, "en") or wd.label(entity, wd.MULTIPLE_LANGUAGES)
    title = _clean(title or original or wd.name(entity), MAX_TITLE)
    if not title:
        dropped["films without a title or a label"] += 1
        return None
    draft: dict[str, Any] = {"id": entity["id"], "title": title}
    if original := _clean(original, MAX_TITLE):
        draft["original_title"] = original
    if french := _clean(wd.label(entity, "fr"), MAX_TITLE):
        draft["titles"] = {"fr": french}
    if release := _release_date(entity, dropped):
        draft["release_date"] = release
    if runtime := _runtime(entity, dropped):
        draft["runtime"] = runtime
    for key, prop in (
        ("countries", wd.COUNTRY_OF_ORIGIN),
        ("languages", wd.ORIGINAL_LANGUAGE),
        ("genres", wd.GENRE),
        ("themes", wd.MAIN_SUBJECT),
    ):
        if ids := _unique(wd.item_id(wd.main_snak(s)) for s in wd.statements(entity, prop)):
            draft[key] = ids
    for statement in _best(entity, wd.PART_OF_THE_SERIES):
        if series := wd.item_id(wd.main_snak(statement)):
            ordinal = wd.ordinal(statement)
            draft["series"] = [series, ordinal if ordinal and ordinal <= MAX_ORDINAL else None]
            break
    for key, prop in (("directors", wd.DIRECTOR), ("writers", wd.SCREENWRITER)):
        if people := [person for person, _ in _credits(entity, prop)]:
            draft[key] = people
    if cast := _cast(entity):
        draft["cast"] = cast
    draft["links"] = _film_links(entity, dropped)
    return draft


def _best(entity: wd.Entity, prop: str) -> list[wd.Statement]:
    return wd.best_statements(entity, prop)


def _release_date(entity: wd.Entity, dropped: Counter) -> str | None:
    # Every release that is not deprecated: a preferred one is often the release in the
    # country of origin, not the first.
    snaks = [wd.main_snak(s) for s in wd.statements(entity, wd.PUBLICATION_DATE)]
    dates = [date for date in map(wd.partial_date, snaks) if date]
    if len(dates) < sum(wd.value(snak) is not None for snak in snaks):
        dropped["release dates less precise than a year"] += 1
    found = wd.earliest(dates)
    if found is None:
        return None
    if not MIN_YEAR <= found.year <= MAX_YEAR:
        dropped[f"release dates outside {MIN_YEAR}-{MAX_YEAR}"] += 1
        return None
    return str(found)


def _runtime(entity: wd.Entity, dropped: Counter) -> int | None:
    statements = _best(entity, wd.DURATION)
    for statement in statements:
        minutes = wd.minutes(wd.main_snak(statement))
        if minutes is not None:
            if 1 <= minutes <= MAX_RUNTIME:
                return minutes
            dropped["durations under half a minute or over 100,000 minutes"] += 1
            return None
    if any(wd.value(wd.main_snak(s)) is not None for s in statements):
        dropped["durations without a unit of time"] += 1
    return None


def _credits(entity: wd.Entity, prop: str) -> Iterator[tuple[str, wd.Statement]]:
    """(person id, statement) in billing order: the statements with a series ordinal
    (P1545) first, by it, then the others in the order Wikidata lists them."""
    found = [
        (statement, person)
        for statement in wd.statements(entity, prop)
        if (person := wd.item_id(wd.main_snak(statement)))
    ]
    ordinals = [wd.ordinal(statement) for statement, _ in found]
    order = sorted(
        range(len(found)),
        key=lambda i: (0, ordinals[i], i) if ordinals[i] is not None else (1, 0, i),
    )
    for index in order:
        statement, person = found[index]
        yield person, statement


def _cast(entity: wd.Entity) -> list:
    """[person id, characters] in billing order, a character being ["item", "Q…"] (P453,
    named by its label) or ["name", "…"] (P4633, when the statement has no P453); a person
    listed twice is one member of the cast with the characters of both statements."""
    members: dict[str, list] = {}
    for person, statement in _credits(entity, wd.CAST_MEMBER):
        characters = [
            ["item", i] for s in wd.qualifiers(statement, wd.CHARACTER_ROLE) if (i := wd.item_id(s))
        ] or [["name", n] for s in wd.qualifiers(statement, wd.CHARACTER_NAME) if (n := wd.text(s))]
        member = members.setdefault(person, [person, []])
        member[1] += [c for c in characters if c not in member[1]]
    return list(members.values())


def _film_links(entity: wd.Entity, dropped: Counter) -> dict[str, str]:
    links = {}
    for key, prop in (("imdb", wd.IMDB_ID), ("tmdb", wd.TMDB_MOVIE_ID)):
        found = _first(wd.text(wd.main_snak(s)) for s in _best(entity, prop))
        if found and valid_link(FILM_LINKS, key, found):
            links[key] = found
        elif found:
            dropped[f"malformed {key} ids"] += 1
    links["wikidata"] = entity["id"]
    for key, site in (("wikipedia_en", "enwiki"), ("wikipedia_fr", "frwiki")):
        title = wd.sitelink_title(entity, site)
        if title and valid_link(FILM_LINKS, key, title):
            links[key] = title
    return links


def needs(draft: dict) -> Iterator[tuple[str, int]]:
    """(id, what it is needed for) of every entity a draft refers to."""
    for key, kind in (("countries", COUNTRY), ("languages", LANGUAGE)):
        for identifier in draft.get(key, ()):
            yield identifier, kind
    for key in ("genres", "themes"):
        for identifier in draft.get(key, ()):
            yield identifier, NAMED
    if "series" in draft:
        yield draft["series"][0], NAMED
    for key in ("directors", "writers"):
        for identifier in draft.get(key, ()):
            yield identifier, PERSON
    for person, characters in draft.get("cast", ()):
        yield person, PERSON
        for kind, identifier in characters:
            if kind == "item":
                yield identifier, NAMED


# --- What a film refers to ---------------------------------------------------------------


class Reference(NamedTuple):
    """What the catalog needs of a referenced entity: its name (English, else another),
    its French name (for genres, themes, series and characters), a person's IMDb id, a
    country's or a language's code."""

    name: str | None
    french: str | None = None
    imdb: str | None = None
    code: str | None = None
    moved_to: str | None = None  # the id of the item this one was merged into


def reference(entity: wd.Entity, kinds: int) -> Reference:
    french = wd.french_name(entity) if kinds & NAMED else None
    imdb = None
    if kinds & PERSON:
        imdb = _first(wd.text(wd.main_snak(s)) for s in _best(entity, wd.IMDB_ID))
        imdb = imdb if imdb and valid_link(PERSON_LINKS, "imdb", imdb) else None
    code = None
    if kinds & COUNTRY:
        code = _code(entity, (wd.ISO_3166_1_ALPHA_2, wd.ISO_3166_3), resolve_country)
    elif kinds & LANGUAGE:
        code = _code(entity, (wd.ISO_639_1, wd.ISO_639_3), resolve_language)
    return Reference(wd.name(entity), french, imdb, code)


def _code(entity: wd.Entity, props: tuple[str, ...], resolve: Callable) -> str | None:
    """The first ISO code the entity gives, in the order of `props`, that the catalog's
    lists know (the importer refuses others)."""
    for prop in props:
        for statement in _best(entity, prop):
            found = wd.text(wd.main_snak(statement))
            resolved = resolve(found) if found and len(found) in (2, 3, 4) else None
            if resolved is not None:
                return resolved.code
    return None


def genre_name(name: str) -> str:
    """Wikidata names genres of films as films ("drama film", "science fiction film"); the
    site names the genre: a trailing " film" goes, and the first letter is a capital
    ("Drama", "Science fiction"). "film noir" stays, as "Film noir"."""
    if name.endswith(" film") and len(name) > len(" film"):
        name = name[: -len(" film")]
    return name[:1].upper() + name[1:]


def capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


# --- The catalog line --------------------------------------------------------------------


class Resolver:
    """Catalog values for referenced ids, from the references found, counting what has to
    be left out and why."""

    def __init__(self, found: dict[int, Reference], dropped: Counter):
        self.found = found
        self.dropped = dropped

    def get(self, identifier: str, what: str) -> Reference | None:
        found = self.found.get(number_of(identifier))
        if found is None:
            self.dropped[f"{what} not found in the input"] += 1
            return None
        if not found.name:
            self.dropped[f"{what} without a label"] += 1
            return None
        return found

    def named(self, identifier: str, what: str, limit: int, style=lambda n: n) -> dict | None:
        found = self.get(identifier, what)
        if found is None:
            return None
        name = _clean(style(found.name), limit)
        if not name:
            self.dropped[f"{what} with a name too long"] += 1
            return None
        named: dict[str, Any] = {"id": f"wikidata:{found.moved_to or identifier}", "name": name}
        if french := _clean(style(found.french), limit) if found.french else None:
            named["names"] = {"fr": french}
        return named

    def person(self, identifier: str, what: str) -> dict | None:
        found = self.get(identifier, what)
        name = _clean(found.name, MAX_NAME) if found else None
        if not found or not name:
            return None
        person: dict[str, Any] = {"id": f"wikidata:{found.moved_to or identifier}", "name": name}
        if found.imdb:
            person["links"] = {"imdb": found.imdb}
        return person

    def character(self, kind: str, text: str) -> str | None:
        if kind == "name":
            return text
        found = self.get(text, "characters")
        return found.name if found else None

    def code(self, identifier: str, what: str) -> str | None:
        found = self.found.get(number_of(identifier))
        if found is None:
            self.dropped[f"{what} not found in the input"] += 1
            return None
        if not found.code:
            self.dropped[f"{what} without an ISO code"] += 1
        return found.code


def catalog_line(draft: dict, resolver: Resolver) -> dict:
    """The catalog line of a film (docs/catalog-format.md, version 2)."""
    line: dict[str, Any] = {"id": f"wikidata:{draft['id']}", "title": draft["title"]}
    for key in ("original_title", "titles"):
        if key in draft:
            line[key] = draft[key]
    if "release_date" in draft:
        line["year"] = int(draft["release_date"][:4])
        line["release_date"] = draft["release_date"]
    if "runtime" in draft:
        line["runtime"] = draft["runtime"]
    for key, what in (("countries", "countries"), ("languages", "languages")):
        codes = _unique(resolver.code(i, what) for i in draft.get(key, ()))
        if codes:
            line[key] = codes
    genres = [resolver.named(i, "genres", MAX_GENRE, genre_name) for i in draft.get("genres", ())]
    themes = [resolver.named(i, "themes", MAX_THEME) for i in draft.get("themes", ())]
    for key, found in (("genres", genres), ("themes", themes)):
        if kept := _unique_named(found):
            line[key] = kept
    if "series" in draft:
        identifier, ordinal = draft["series"]
        series = resolver.named(identifier, "series", MAX_SERIES)
        if series is not None:
            if ordinal is not None:
                series["ordinal"] = ordinal
            line["series"] = series
    for key, what in (("directors", "directors"), ("writers", "writers")):
        people = [resolver.person(i, what) for i in draft.get(key, ())]
        if kept := [p for p in people if p]:
            line[key] = kept
    cast = []
    for person_id, characters in draft.get("cast", ()):
        person = resolver.person(person_id, "cast members")
        if person is None:
            continue
        names = [resolver.character(kind, text) for kind, text in characters]
        if names := _unique(names):
            person["character"] = " / ".join(names)[:MAX_NAME]
        cast.append(person)
    if cast:
        line["cast"] = cast
    line["links"] = draft["links"]
    line["source"] = SOURCE
    return line


def number_of(identifier: str) -> int:
    """ "Q42" -> 42: ids kept by the million, as numbers."""
    return int(identifier[1:])


def _first(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v), None)


def _unique(values: Iterable[T | None]) -> list[T]:
    return list(dict.fromkeys(v for v in values if v))


def _unique_named(values: Iterable[dict | None]) -> list[dict]:
    # The importer matches names ignoring case: two ids of one name would be one genre.
    found: dict[str, dict] = {}
    for named in values:
        if named is not None:
            found.setdefault(named["name"].casefold(), named)
    return list(found.values())


def _clean(text: str | None, limit: int) -> str | None:
    """Text as the catalog takes it: control characters removed, within its length."""
    if not text:
        return None
    text = without_control_characters(text).strip()
    return text if text and len(text) <= limit else None


# --- A dump --------------------------------------------------------------------------------


@dataclass
class Summary:
    entities: int = 0  # entities read (in the first pass)
    films: int = 0  # catalog lines written
    invalid: int = 0  # malformed entities skipped
    redirects: int = 0  # references that went through a redirect
    passes: int = 0  # passes over the dump
    dropped: Counter = field(default_factory=Counter)  # what was left out, by reason

    def dropped_lines(self) -> list[str]:
        """What was left out, a line per reason: "  3 countries without an ISO code"."""
        return [f"  {count:,} {reason}" for reason, count in sorted(self.dropped.items())]


class Progress(NamedTuple):
    step: str  # "films", "labels", "writing"
    entities: int  # lines read in this step
    films: int  # films found so far
    bytes_read: int
    size: int


ProgressCallback = Callable[[Progress], None]
InvalidCallback = Callable[[InvalidEntity], None]


def convert_dump(
    path: Path,
    out: Path,
    *,
    skip_invalid: bool = False,
    film_classes: Iterable[str] = wd.FILM_CLASSES,
    on_progress: ProgressCallback | None = None,
    on_invalid: InvalidCallback | None = None,
    external_decompressor: bool = True,
) -> Summary:
    """Convert the films of a dump at `path` into a catalog at `out` (gzip-compressed when
    its name ends in .gz). Raises InvalidEntity at the first malformed entity unless
    `skip_invalid`; OUT is replaced only when the whole conversion succeeded."""
    summary = Summary()
    classes = frozenset(film_classes)
    with tempfile.TemporaryFile(dir=out.parent, prefix=".wikidata-drafts-") as drafts:
        needed = _find_films(
            path,
            drafts,
            summary,
            classes,
            skip_invalid=skip_invalid,
            on_progress=on_progress,
            on_invalid=on_invalid,
            external=external_decompressor,
        )
        found = _find_references(path, needed, summary, on_progress, external_decompressor)
        del needed
        drafts.seek(0)
        resolver = Resolver(found, summary.dropped)
        with atomic_output(out) as output:
            for raw in drafts:
                line = catalog_line(json.loads(raw), resolver)
                output.write(json.dumps(line, ensure_ascii=False) + "\n")
                summary.films += 1
    return summary


def _find_films(
    path: Path,
    drafts: IO[bytes],
    summary: Summary,
    classes: frozenset[str],
    *,
    skip_invalid: bool,
    on_progress: ProgressCallback | None,
    on_invalid: InvalidCallback | None,
    external: bool,
) -> dict[int, int]:
    """Pass 1: the films' drafts into `drafts`; returns what each referenced id is needed
    for."""
    needed: dict[int, int] = {}
    seen_films: set[int] = set()
    # A film's line holds the quoted id of its class ("Q11424"): only lines holding one are
    # decoded (some that do are not films: they are decoded and let go). One expression
    # scans a line once, where a test per class would scan it once per class.
    markers = re.compile(b"|".join(re.escape(f'"{i}"'.encode()) for i in sorted(classes)))
    summary.passes += 1
    with open_dump(path, external=external) as dump:
        for number, raw in dump.entity_lines():
            summary.entities += 1
            if on_progress and summary.entities % PROGRESS_EVERY == 0:
                on_progress(Progress("films", summary.entities, len(seen_films), *_where(dump)))
            try:
                check_shape(number, raw)
                if markers.search(raw) is None:
                    entity_id(number, raw)  # every entity has one
                    continue
                entity = parse(number, raw)
            except InvalidEntity as invalid:
                if not skip_invalid:
                    raise
                summary.invalid += 1
                if on_invalid:
                    on_invalid(invalid)
                continue
            if not wd.is_film(entity, classes) or not wd.ITEM_ID.fullmatch(entity["id"]):
                continue
            film_number = number_of(entity["id"])
            if film_number in seen_films:
                summary.dropped["films given twice (the first kept)"] += 1
                continue
            draft = film_draft(entity, summary.dropped)
            if draft is None:
                continue
            seen_films.add(film_number)
            drafts.write(json.dumps(draft, ensure_ascii=False).encode() + b"\n")
            for identifier, kind in needs(draft):
                key = number_of(identifier)
                needed[key] = needed.get(key, 0) | kind
        if on_progress:
            on_progress(Progress("films", summary.entities, len(seen_films), *_where(dump)))
    return needed


def _find_references(
    path: Path,
    needed: dict[int, int],
    summary: Summary,
    on_progress: ProgressCallback | None,
    external: bool,
) -> dict[int, Reference]:
    """Pass 2 (and more, for redirect targets not met yet): the references of `needed`."""
    found: dict[int, Reference] = {}
    wanted = needed  # not copied: it is the largest thing held
    redirected: dict[int, int] = {}  # needed id -> the id it redirects to
    # Redirects to redirects are followed a few times, not forever.
    for _ in range(3):
        if not wanted:
            break
        summary.passes += 1
        targets = _read_references(path, wanted, found, redirected, on_progress, external)
        wanted = {t: k for t, k in targets.items() if t not in found}
    for source, target in redirected.items():
        if source not in found and target in found:
            found[source] = found[target]._replace(moved_to=f"Q{target}")
    summary.redirects = sum(1 for found_reference in found.values() if found_reference.moved_to)
    return found


def _read_references(
    path: Path,
    wanted: dict[int, int],
    found: dict[int, Reference],
    redirected: dict[int, int],
    on_progress: ProgressCallback | None,
    external: bool,
) -> dict[int, int]:
    """One pass: the references of `wanted` into `found`; returns the targets of redirects
    met for wanted ids, with what they are needed for."""
    targets: dict[int, int] = {}
    read = 0
    with open_dump(path, external=external) as dump:
        for number, raw in dump.entity_lines():
            read += 1
            if on_progress and read % PROGRESS_EVERY == 0:
                on_progress(Progress("labels", read, len(found), *_where(dump)))
            try:
                identifier = entity_id(number, raw)
                key = number_of(identifier) if wd.ITEM_ID.fullmatch(identifier) else None
                # Wikidata's dumps hold no redirects: only JSON Lines are searched for the
                # API's form, a target's entity naming the id it replaces.
                if (key in wanted or not dump.array) and b'"redirects"' in raw:
                    _redirect(parse(number, raw), wanted, found, redirected, targets)
                elif key in wanted:
                    found[key] = reference(parse(number, raw), wanted[key])
            except InvalidEntity:
                continue  # reported by the first pass
        if on_progress:
            on_progress(Progress("labels", read, len(found), *_where(dump)))
    return targets


def _redirect(entity, wanted, found, redirected, targets) -> None:
    """A line that may say it stands for another id, as the API answers for a redirected
    one ({"id": "Q2", "redirects": {"from": "Q1", "to": "Q2"}, "labels": ...}), or as a
    stub without labels for the id merged away."""
    own = number_of(entity["id"]) if wd.ITEM_ID.fullmatch(entity["id"]) else None
    redirect = entity.get("redirects")
    source = redirect.get("from") if isinstance(redirect, dict) else None
    target = redirect.get("to") if isinstance(redirect, dict) else None
    if not all(isinstance(i, str) and wd.ITEM_ID.fullmatch(i) for i in (source, target)):
        if own in wanted:  # "redirects" was only text in it
            found[own] = reference(entity, wanted[own])
        return
    assert isinstance(source, str) and isinstance(target, str)
    source_key, target_key = number_of(source), number_of(target)
    holds_target = entity["id"] == target and bool(entity.get("labels"))
    if holds_target and target_key in wanted:
        found[target_key] = reference(entity, wanted[target_key])
    if source_key not in wanted:
        return
    if holds_target:
        found[source_key] = reference(entity, wanted[source_key])._replace(moved_to=target)
        return
    redirected[source_key] = target_key
    targets[target_key] = targets.get(target_key, 0) | wanted[source_key]


def _where(dump) -> tuple[int, int]:
    return dump.bytes_read(), dump.size


@contextmanager
def atomic_output(path: Path) -> Iterator[IO[str]]:
    """A text file that becomes `path` only when the block ends without an error (a
    temporary file next to it until then, removed on failure); gzip for a .gz name."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as raw:
            if path.name.endswith(".gz"):
                # No name or time in the header: the same input gives the same bytes.
                with gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as packed:
                    with io.TextIOWrapper(packed, encoding="utf-8", newline="\n") as text:
                        yield text
            else:
                with io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as text:
                    yield text
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
