"""Generated dumps in Wikidata's dump format, for the memory test and the throughput figures
of docs/wikidata.md: films (P31 Q11424) crediting people of the dump, the people, and other
entities (articles, places, taxa...) that a conversion reads and lets go.

    .venv/bin/python -m tests.wikidata.synthetic OUT.json.gz --entities 1000000 --films 0.03
"""

import argparse
import bz2
import gzip
import json
import random
from pathlib import Path

PEOPLE_FIRST = 1_000_000_000  # ids of people; films from 2e9; the rest from 3e9
FILMS_FIRST = 2_000_000_000
OTHERS_FIRST = 3_000_000_000
WORDS = (
    "harbour light night river stone glass winter city letter garden silent road house "
    "blue storm mirror station north summer island paper iron violet empire"
).split()
LANGUAGES = ("en", "fr", "de", "es", "it", "nl", "pt", "ru", "ja", "sv", "pl", "mul")


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _terms(rng: random.Random, languages: int, words: int) -> dict:
    chosen = rng.sample(LANGUAGES, languages)
    return {lang: {"language": lang, "value": _words(rng, words).title()} for lang in chosen}


def _item_snak(prop: str, qid: int) -> dict:
    return {
        "snaktype": "value",
        "property": prop,
        "datatype": "wikibase-item",
        "datavalue": {
            "value": {"entity-type": "item", "numeric-id": qid, "id": f"Q{qid}"},
            "type": "wikibase-entityid",
        },
    }


def _statement(entity: str, number: int, snak: dict, rng: random.Random, references: bool):
    statement = {
        "mainsnak": snak,
        "type": "statement",
        "id": f"{entity}${number:08X}-{rng.getrandbits(32):08X}",
        "rank": "normal",
    }
    if references:
        statement["references"] = [
            {
                "hash": f"{rng.getrandbits(160):040x}",
                "snaks": {"P143": [_item_snak("P143", 328)]},
                "snaks-order": ["P143"],
            }
        ]
    return statement


def _entity(qid: int, rng: random.Random, claims: list[tuple[str, dict]], size: int) -> dict:
    identifier = f"Q{qid}"
    grouped: dict[str, list] = {}
    for number, (prop, snak) in enumerate(claims):
        grouped.setdefault(prop, []).append(
            _statement(identifier, number, snak, rng, references=rng.random() < 0.5)
        )
    languages = min(len(LANGUAGES), 1 + size)
    return {
        "type": "item",
        "id": identifier,
        "labels": _terms(rng, languages, 3),
        "descriptions": _terms(rng, languages, 6),
        "aliases": {},
        "claims": grouped,
        "sitelinks": {
            f"{lang}wiki": {"site": f"{lang}wiki", "title": _words(rng, 3), "badges": []}
            for lang in rng.sample(LANGUAGES[:-1], min(size, 11))
        },
        "lastrevid": rng.getrandbits(31),
        "modified": "2026-11-30T00:00:00Z",
    }


def film(qid: int, rng: random.Random, people: int) -> dict:
    def person() -> int:
        return PEOPLE_FIRST + rng.randrange(people)

    claims = [("P31", _item_snak("P31", 11424))]
    claims += [("P57", _item_snak("P57", person())) for _ in range(rng.randint(1, 2))]
    claims += [("P58", _item_snak("P58", person())) for _ in range(rng.randint(0, 3))]
    claims += [("P161", _item_snak("P161", person())) for _ in range(rng.randint(0, 15))]
    claims += [("P136", _item_snak("P136", 130232))]
    claims += [("P495", _item_snak("P495", 30))]
    claims += [("P364", _item_snak("P364", 1860))]
    return _entity(qid, rng, claims, size=rng.randint(2, 10))


def person(qid: int, rng: random.Random) -> dict:
    claims = [("P31", _item_snak("P31", 5)), ("P106", _item_snak("P106", 33999))]
    claims += [("P27", _item_snak("P27", 30))]
    return _entity(qid, rng, claims, size=rng.randint(1, 6))


def other(qid: int, rng: random.Random) -> dict:
    # Mostly small (articles, taxa), some large (places, topics) as in the real dump.
    size = rng.choice((1, 1, 1, 2, 2, 3, 5, 8, 12))
    claims = [("P31", _item_snak("P31", rng.choice((13442814, 16521, 486972, 4167836))))]
    claims += [("P2860", _item_snak("P2860", rng.getrandbits(26))) for _ in range(size * 4)]
    return _entity(qid, rng, claims, size=size)


def small(qid: int) -> dict:
    """An entity of a few hundred bytes: many of them in little time."""
    return {
        "type": "item",
        "id": f"Q{qid}",
        "labels": {"en": {"language": "en", "value": f"thing {qid}"}},
        "claims": {"P31": [{"mainsnak": _item_snak("P31", 13442814), "rank": "normal"}]},
    }


def entity_lines(entities: int, films: int, seed: int = 0, *, smaller: bool = False):
    """JSON lines of `entities` entities, `films` of them films, people a tenth of them;
    `smaller`: the others of a few hundred bytes each."""
    rng = random.Random(seed)
    people = max(1, entities // 10)
    film_every = entities / films if films else 0
    next_film = film_every / 2 if films else float("inf")
    made_films = made_people = made_others = 0
    for index in range(entities):
        if index >= next_film and made_films < films:
            entity = film(FILMS_FIRST + made_films, rng, people)
            made_films += 1
            next_film += film_every
        elif made_people < people and index % 10 == 1:
            entity = person(PEOPLE_FIRST + made_people, rng)
            made_people += 1
        elif smaller:
            entity = small(OTHERS_FIRST + made_others)
            made_others += 1
        else:
            entity = other(OTHERS_FIRST + made_others, rng)
            made_others += 1
        yield json.dumps(entity, ensure_ascii=False, separators=(",", ":"))


def write_dump(
    path: Path, *, entities: int, films: int, seed: int = 0, level: int = 1, smaller=False
) -> None:
    """A dump in the JSON array format; gzip or bzip2 by the name's suffix."""
    if path.name.endswith(".gz"):
        file = gzip.open(path, "wt", encoding="utf-8", compresslevel=level)
    elif path.name.endswith(".bz2"):
        file = bz2.open(path, "wt", encoding="utf-8", compresslevel=level)
    else:
        file = path.open("w", encoding="utf-8")
    with file:
        file.write("[\n")
        first = True
        for line in entity_lines(entities, films, seed, smaller=smaller):
            file.write(line if first else ",\n" + line)
            first = False
        file.write("\n]\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--films", type=float, default=0.03, help="the share of films")
    parser.add_argument("--level", type=int, default=6, help="compression level")
    args = parser.parse_args()
    write_dump(
        args.out, entities=args.entities, films=round(args.entities * args.films), level=args.level
    )


if __name__ == "__main__":
    main()
