"""A small catalog for the API's tests: Mike Figgis's films and a few others, padded with
bare films so that the similar films have something rare to share (tests/recommendations)."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from films.catalog.models import Film
from recommendations.services import build_all
from tests.conftest import make_film
from tests.recommendations.catalog import add_bare_films

API = "/api/v1"


@dataclass
class Catalog:
    vegas: Film
    timecode: Film
    one_night: Film
    liebestraum: Film
    face_off: Film
    amelie: Film
    bare: list[Film]


def rated(average: str, count: int) -> dict:
    return {
        "rating_average": Decimal(average),
        "rating_count": count,
        "catalog_rating_average": Decimal(average),
        "catalog_rating_count": count,
        "rating_rank": (3.0 * 10 + float(average) * count) / (10 + count),
    }


@pytest.fixture
def catalog(db) -> Catalog:
    vegas = make_film(
        title="Leaving Las Vegas",
        external_id="wikidata:Q132910",
        year=1995,
        runtime=111,
        directors=["Mike Figgis"],
        writers=["Mike Figgis", "John O'Brien"],
        cast=["Nicolas Cage", "Elisabeth Shue", "Julian Sands"],
        genres=["Drama", "Romance"],
        themes=["Alcoholism", "Prostitution"],
        countries=["US"],
        links={"imdb": "tt0113627"},
        **rated("3.8", 53),
    )
    timecode = make_film(
        title="Timecode",
        external_id="wikidata:Q1637593",
        year=2000,
        runtime=97,
        directors=["Mike Figgis"],
        cast=["Salma Hayek", "Julian Sands"],
        genres=["Drama", "Thriller"],
        countries=["US"],
        **rated("3.2", 20),
    )
    one_night = make_film(
        title="One Night Stand",
        external_id="wikidata:Q1973318",
        year=1997,
        runtime=102,
        directors=["Mike Figgis"],
        cast=["Wesley Snipes", "Nastassja Kinski"],
        genres=["Drama", "Romance"],
        themes=["Alcoholism"],
        countries=["US"],
        **rated("2.9", 30),
    )
    liebestraum = make_film(
        title="Liebestraum",
        external_id="wikidata:Q1823171",
        year=1991,
        runtime=112,
        directors=["Mike Figgis"],
        writers=["Mike Figgis"],
        cast=["Kevin Anderson", "Kim Novak"],
        genres=["Mystery"],
        countries=["US"],
    )
    face_off = make_film(
        title="Face/Off",
        external_id="wikidata:Q218172",
        year=1997,
        runtime=138,
        directors=["John Woo"],
        cast=["John Travolta", "Nicolas Cage"],
        genres=["Action", "Thriller"],
        countries=["US"],
        **rated("3.6", 120),
    )
    amelie = make_film(
        title="Amélie",
        original_title="Le Fabuleux Destin d'Amélie Poulain",
        external_id="wikidata:Q484048",
        year=2001,
        runtime=122,
        directors=["Jean-Pierre Jeunet"],
        cast=["Audrey Tautou"],
        genres=["Comedy", "Romance"],
        countries=["FR"],
        **rated("4.4", 300),
    )
    bare = add_bare_films(60, year=1950)
    build_all()
    return Catalog(vegas, timecode, one_night, liebestraum, face_off, amelie, bare)


def get(client, path: str, status: int = 200, **params):
    """The API's answer at `path` (under /api/v1) as JSON, after checking its status."""
    response = client.get(f"{API}{path}", params)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def titles(answer: dict) -> list[str]:
    return [film["title"] for film in answer["results"]]
