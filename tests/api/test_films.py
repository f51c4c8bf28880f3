"""/api/v1/films/: every film, filtered and sorted as the browse page filters them."""

import pytest

from pages.facets import catalog_facets
from tests.api.conftest import API, get, titles
from tests.conftest import make_film


def test_it_lists_films_best_rated_first_with_both_ids(client, catalog):
    answer = get(client, "/films/", page_size=3)

    assert answer["count"] == 66
    assert titles(answer) == ["Amélie", "Leaving Las Vegas", "Face/Off"]
    [amelie, *_] = answer["results"]
    assert amelie["id"] == catalog.amelie.pk
    assert amelie["external_id"] == "wikidata:Q484048"
    assert amelie["original_title"] == "Le Fabuleux Destin d'Amélie Poulain"
    assert amelie["year"] == 2001 and amelie["runtime"] == 122
    assert amelie["rating"] == {"average": 4.4, "count": 300, "votes": 0}
    assert [g["slug"] for g in amelie["genres"]] == ["comedy", "romance"]
    assert amelie["url"] == f"http://testserver{catalog.amelie.get_absolute_url()}"


def test_it_pages_through_the_films(client, catalog):
    first = get(client, "/films/", page_size=30)
    third = get(client, "/films/", page_size=30, page=3)

    assert (first["page"], first["pages"], first["page_size"]) == (1, 3, 30)
    assert first["previous"] is None
    assert first["next"] == f"http://testserver{API}/films/?page_size=30&page=2"
    assert len(third["results"]) == 6 and third["next"] is None
    assert third["previous"] == f"http://testserver{API}/films/?page_size=30&page=2"
    every = get(client, "/films/", page_size=100)["results"]
    assert len({film["id"] for film in every}) == 66


def test_a_page_past_the_last_is_a_404_in_json(client, catalog):
    answer = get(client, "/films/", 404, page_size=50, page=3)

    assert answer["message"] == "No page 3: there are 2 pages of 50 results."


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"genre": "romance"}, ["Amélie", "Leaving Las Vegas", "One Night Stand"]),
        ({"genre": ["drama", "thriller"]}, ["Timecode"]),
        (
            {"genre": ["comedy", "thriller"], "genre_mode": "any"},
            ["Amélie", "Face/Off", "Timecode"],
        ),
        ({"genre": "drama", "exclude_genre": "romance"}, ["Timecode"]),
        ({"theme": "alcoholism"}, ["Leaving Las Vegas", "One Night Stand"]),
        ({"theme": "alcoholism, prostitution"}, ["Leaving Las Vegas"]),
        ({"theme": ["alcoholism", "prostitution"]}, ["Leaving Las Vegas"]),
        ({"country": "FR"}, ["Amélie"]),
        ({"decade": "1990"}, ["Leaving Las Vegas", "Face/Off", "One Night Stand", "Liebestraum"]),
        ({"year_from": "1997", "year_to": "2000"}, ["Face/Off", "Timecode", "One Night Stand"]),
        ({"duration": "long", "genre": "romance"}, ["Amélie"]),
        (
            {"duration": "medium", "genre": "drama"},
            ["Leaving Las Vegas", "Timecode", "One Night Stand"],
        ),
        ({"min_rating": "3.5"}, ["Amélie", "Leaving Las Vegas", "Face/Off"]),
        (
            {"genre": "drama", "sort": "year"},
            ["Timecode", "One Night Stand", "Leaving Las Vegas"],
        ),
        (
            {"genre": "drama", "sort": "year-asc"},
            ["Leaving Las Vegas", "One Night Stand", "Timecode"],
        ),
        (
            {"genre": "romance", "sort": "title"},
            ["Amélie", "Leaving Las Vegas", "One Night Stand"],
        ),
    ],
)
def test_it_filters_as_the_browse_page(client, catalog, params, expected):
    answer = get(client, "/films/", **params)

    assert titles(answer) == expected
    assert answer["count"] == len(expected)


@pytest.mark.parametrize(
    "params, parameter, message",
    [
        ({"genre": "no-such-genre"}, "genre", "Select a valid choice."),
        ({"decade": "1850"}, "decade", "Select a valid choice."),
        ({"decade": "nineties"}, "decade", "Input should be a valid integer"),
        ({"country": "ZZ"}, "country", "Select a valid choice."),
        ({"duration": "epic"}, "duration", "Input should be"),
        ({"min_rating": "6"}, "min_rating", "Input should be"),
        ({"sort": "random"}, "sort", "Input should be"),
        ({"genre_mode": "some"}, "genre_mode", "Input should be"),
        ({"year_from": "1500"}, "year_from", "greater than or equal to 1870"),
        ({"year_to": "²"}, "year_to", "Input should be a valid integer"),
        ({"page": "0"}, "page", "greater than or equal to 1"),
        ({"page": "x"}, "page", "Input should be a valid integer"),
        ({"page": "9" * 30}, "page", "less than or equal to"),
        ({"page_size": "101"}, "page_size", "less than or equal to 100"),
        ({"theme": "no-such-theme"}, "theme", "Select a valid choice."),
    ],
)
def test_bad_filters_are_a_422_naming_the_parameter(client, catalog, params, parameter, message):
    answer = get(client, "/films/", 422, **params)

    assert answer["message"] == f"These parameters could not be used: {parameter}."
    assert [e["parameter"] for e in answer["errors"]] == [parameter]
    assert message in answer["errors"][0]["message"]


def test_more_than_ten_themes_are_a_422(client, db):
    themes = [f"Theme {n}" for n in range(11)]
    make_film(title="Ran", themes=themes)

    answer = get(client, "/films/", 422, theme=[f"theme-{n}" for n in range(11)])

    assert answer["errors"] == [
        {"parameter": "theme", "message": "Choose at most 10 themes (11 given)."}
    ]


def test_years_the_wrong_way_round_are_a_422_for_both(client, catalog):
    answer = get(client, "/films/", 422, year_from=2000, year_to=1990)

    assert answer["message"] == "The parameters could not be used together."
    assert answer["errors"] == [
        {
            "parameter": None,
            "message": "“From year” (2000) is after “To year” (1990): no film is in between.",
        }
    ]


def test_a_theme_filter_finds_nothing_when_no_film_has_a_theme(client, db):
    make_film(title="Ran", genres=["Drama"])

    assert get(client, "/films/", theme="war")["count"] == 0
    assert get(client, "/films/")["count"] == 1


def test_the_list_costs_the_same_queries_whatever_its_length(
    client, catalog, django_assert_num_queries
):
    catalog_facets()  # the catalog's decades and themes, read once per version of it
    # The count, the page, the page's genres; the genre given is looked up.
    for size in (1, 50):
        with django_assert_num_queries(4):
            get(client, "/films/", page_size=size, genre="drama", genre_mode="any")
    with django_assert_num_queries(3):
        get(client, "/films/", page_size=50)
