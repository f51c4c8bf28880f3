"""convert_wikidata on the fixture entities (fixtures/README.md): what each film's catalog
line holds, case by case."""

import re

import pytest

from tests.wikidata.conftest import entity_lines, write_json_lines

HARBOUR_LIGHTS = "wikidata:Q900000001"


@pytest.fixture
def run(convert, tmp_path):
    return convert(write_json_lines(tmp_path / "entities.jsonl", entity_lines()))


def test_it_keeps_the_films_and_only_them(run):
    assert [film["id"] for film in run.films] == [
        "wikidata:Q900000001",  # film
        "wikidata:Q900000002",  # feature film
        "wikidata:Q900000003",  # animated film
        "wikidata:Q900000004",  # documentary film, beside a preferred class that is not one
        "wikidata:Q900000006",  # television film
        "wikidata:Q900000008",  # short film
    ]
    # Q900000005: film only by a deprecated statement; Q900000007: nothing to call it;
    # Q900000009: a list that names the film class without being a film.
    assert "1 films without a title or a label" in run.stdout


def test_titles_come_from_the_labels_then_the_title_statement(run):
    first = run.by_id[HARBOUR_LIGHTS]
    assert first["title"] == "Harbour Lights"
    assert first["original_title"] == "Harbour Lights"
    assert first["titles"] == {"fr": "Les Lumières du port"}
    # No English label: the title (P1476); then the label for all languages; then any label.
    assert run.by_id["wikidata:Q900000002"]["title"] == "Nur ein Jahr"
    assert run.by_id["wikidata:Q900000002"]["titles"] == {"fr": "Rien qu'une année"}
    assert run.by_id["wikidata:Q900000003"]["title"] == "Nordlicht"
    assert "titles" not in run.by_id["wikidata:Q900000003"]
    assert run.by_id["wikidata:Q900000004"]["title"] == "Sin título conocido"


def test_the_release_date_is_the_earliest_to_its_precision(run):
    dates = {film["id"]: (film.get("release_date"), film.get("year")) for film in run.films}
    assert dates == {
        # 1995 (preferred) and 1995-10-27 are one release; the deprecated 1990 is ignored.
        "wikidata:Q900000001": ("1995-10-27", 1995),
        "wikidata:Q900000002": ("1950", 1950),  # known to the year only
        "wikidata:Q900000003": ("2001-07", 2001),  # to the month
        "wikidata:Q900000004": (None, None),  # to the decade: left out
        "wikidata:Q900000006": ("2010-02", 2010),  # 30 February, kept to its month
        "wikidata:Q900000008": (None, None),  # 1850: before films
    }
    assert "1 release dates less precise than a year" in run.stdout
    assert "1 release dates outside 1870-2100" in run.stdout


def test_the_runtime_is_in_minutes_whatever_the_unit(run):
    runtimes = {film["id"]: film.get("runtime") for film in run.films}
    assert runtimes["wikidata:Q900000001"] == 112  # minutes
    assert runtimes["wikidata:Q900000002"] == 90  # 1.5 hours
    assert runtimes["wikidata:Q900000003"] == 90  # 5,400 seconds
    assert runtimes["wikidata:Q900000006"] == 95  # the preferred of 100 and 95
    assert runtimes["wikidata:Q900000004"] is None  # a number without a unit
    assert "1 durations without a unit of time" in run.stdout


def test_countries_and_languages_are_iso_codes(run):
    first = run.by_id[HARBOUR_LIGHTS]
    # The Soviet Union by its ISO 3166-3 code; Atlantis has no code: left out, counted.
    assert first["countries"] == ["US", "SUHH"]
    assert first["languages"] == ["en", "yue"]  # Cantonese by its ISO 639-3 code
    assert run.by_id["wikidata:Q900000003"]["countries"] == ["DE"]  # not the deprecated code
    assert "1 countries without an ISO code" in run.stdout


def test_genres_are_named_things_named_as_the_site_names_genres(run):
    assert run.by_id[HARBOUR_LIGHTS]["genres"] == [
        {"id": "wikidata:Q130232", "name": "Drama", "names": {"fr": "Film dramatique"}},
        {"id": "wikidata:Q1054574", "name": "Romance", "names": {"fr": "Film romantique"}},
    ]  # film noir's statement is deprecated; Q900000203 has no label
    assert run.by_id["wikidata:Q900000002"]["genres"] == [
        {"id": "wikidata:Q900000202", "name": "Film noir", "names": {"fr": "Film noir"}}
    ]
    # Only a German label: the name, and no French one.
    assert run.by_id["wikidata:Q900000003"]["genres"] == [
        {"id": "wikidata:Q900000204", "name": "Heimatfilm"}
    ]
    assert "1 genres without a label" in run.stdout


def test_themes_and_the_series_keep_their_labels(run):
    first = run.by_id[HARBOUR_LIGHTS]
    assert first["themes"] == [
        {"id": "wikidata:Q900000211", "name": "alcoholism", "names": {"fr": "alcoolisme"}},
        {"id": "wikidata:Q900000212", "name": "Las Vegas", "names": {"fr": "Las Vegas"}},
    ]
    series = {"id": "wikidata:Q900000221", "name": "Harbour Lights trilogy"}
    series["names"] = {"fr": "trilogie Harbour Lights"}
    assert first["series"] == {**series, "ordinal": 2}
    # "1a" is not a place in a series: the series without an ordinal.
    assert run.by_id["wikidata:Q900000006"]["series"] == series


def test_directors_and_writers_are_people_with_ids_and_imdb_links(run):
    first = run.by_id[HARBOUR_LIGHTS]
    ada = {"id": "wikidata:Q900000101", "name": "Ada Quill", "links": {"imdb": "nm0900101"}}
    assert first["directors"] == [ada]
    assert first["writers"] == [{"id": "wikidata:Q900000102", "name": "Bruno Vale"}, ada]


def test_the_cast_is_in_billing_order_with_characters(run):
    assert run.by_id[HARBOUR_LIGHTS]["cast"] == [
        # A series ordinal puts her first; her IMDb id is not the deprecated one.
        {
            "id": "wikidata:Q900000103",
            "name": "Clara Stone",
            "links": {"imdb": "nm1234567"},
            "character": "Ben Harrow",  # the character item's label
        },
        {"id": "wikidata:Q900000104", "name": "Dmitri Orlov"},  # the label for all languages
        {"id": "wikidata:Q900000105", "name": "山田太郎", "character": "The Night Clerk"},
        # Q900000106 has no label, Q900000107 is not in the input: left out. Q900000108 and
        # Q900000110 were merged into other items: credited by those items' ids.
        {"id": "wikidata:Q900000109", "name": "Eve Marsh"},
        {"id": "wikidata:Q900000111", "name": "Felix Dunn"},
        # The deprecated credit and the "unknown value" one are not there.
    ]
    assert "1 cast members without a label" in run.stdout
    assert "1 cast members not found in the input" in run.stdout
    assert "Followed 2 redirects." in run.stdout


def test_a_person_credited_twice_is_one_member_of_the_cast_with_both_characters(run):
    assert run.by_id["wikidata:Q900000006"]["cast"] == [
        {
            "id": "wikidata:Q900000103",
            "name": "Clara Stone",
            "links": {"imdb": "nm1234567"},
            "character": "Ben Harrow / Young Ben",
        }
    ]


def test_links_lead_to_imdb_tmdb_wikidata_and_both_wikipedias(run):
    assert run.by_id[HARBOUR_LIGHTS]["links"] == {
        "imdb": "tt0900001",
        "tmdb": "451",
        "wikidata": "Q900000001",
        "wikipedia_en": "Harbour Lights (film)",
        "wikipedia_fr": "Les Lumières du port",
    }
    # "tt12" is no IMDb id: left out rather than refused by the importer.
    assert run.by_id["wikidata:Q900000006"]["links"] == {"wikidata": "Q900000006"}
    assert "1 malformed imdb ids" in run.stdout


def test_every_line_says_its_source(run):
    assert {film["source"] for film in run.films} == {"Wikidata"}


def test_the_summary_counts_entities_and_films(run):
    assert re.search(r"Read 36 entities \(3 passes, .*wrote 6 films", run.stdout)


# The catalog format (docs/catalog-format.md, version 2), as far as this converter writes it.
NAMED = {"id": str, "name": str, "names": dict}
PERSON = {"id": str, "name": str, "links": dict, "character": str}
FIELDS = {
    "id": str,
    "title": str,
    "original_title": str,
    "titles": dict,
    "year": int,
    "release_date": str,
    "runtime": int,
    "countries": list,
    "languages": list,
    "genres": list,
    "themes": list,
    "series": dict,
    "directors": list,
    "writers": list,
    "cast": list,
    "links": dict,
    "source": str,
}


def test_every_line_follows_the_catalog_format(run):
    for film in run.films:
        assert set(film) <= set(FIELDS) and {"id", "title"} <= set(film)
        for key, value in film.items():
            assert isinstance(value, FIELDS[key]), (film["id"], key)
        assert re.fullmatch(r"wikidata:Q\d+", film["id"])
        assert re.fullmatch(r"\d{4}(-\d\d){0,2}", film.get("release_date", "2000"))
        assert all(re.fullmatch(r"[A-Z]{2}|[A-Z]{4}", c) for c in film.get("countries", []))
        assert all(re.fullmatch(r"[a-z]{2,3}", c) for c in film.get("languages", []))
        for named in film.get("genres", []) + film.get("themes", []) + [film.get("series", {})]:
            assert set(named) <= {*NAMED, "ordinal"}
            assert all(isinstance(named[k], t) for k, t in NAMED.items() if k in named)
            assert set(named.get("names", {})) <= {"fr"}
        for person in film.get("directors", []) + film.get("writers", []) + film.get("cast", []):
            assert {"id", "name"} <= set(person) <= set(PERSON)
            assert all(isinstance(person[k], t) for k, t in PERSON.items() if k in person)
            assert re.fullmatch(r"nm\d{7,9}", person.get("links", {}).get("imdb", "nm0000000"))
        assert set(film["links"]) <= {"imdb", "tmdb", "wikidata", "wikipedia_en", "wikipedia_fr"}
