"""The browse page: films narrowed by GET filters (genres, themes, country, years, duration,
rating) and sorted; a wrong value in the URL is a message on the form, never an error."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caching import surrogate_keys
from films.catalog.models import Country, Genre, Theme
from pages.facets import catalog_facets
from pages.filters import MAX_THEMES
from tests.conftest import make_film, make_named
from tests.html import card_titles, find, find_all, links, page, text, texts
from tests.pages.test_film_lists import rated

# Whitenoise warns that collectstatic has not been run; pages need no static files here.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def browse(client, query: str = ""):
    return page(client.get(f"{reverse('films:browse')}?{query}" if query else "/browse/"))


def titles(doc) -> list[str]:
    """The films shown, without their year: ["Heat", "La Haine"]."""
    return [title.rsplit(" (", 1)[0] for title in card_titles(doc)]


def status(doc) -> str:
    return text(find(doc, "main"), 'p[role="status"]')


def not_a_choice(value: str) -> str:
    return f"Select a valid choice. {value} is not one of the available choices."


def form_errors(doc) -> dict[str, list[str]]:
    """Each form field with errors, by its label: {"Decade": ["Select a valid ..."]}."""
    errors = {}
    fields = find_all(find(doc, "form.browse-filters"), ".field")
    assert fields
    for field in fields:
        label = find_all(field, "legend") or find_all(field, "label")
        messages = texts(field, "p.error")
        if messages:
            errors[text(label[0])] = messages
    return errors


@pytest.fixture
def catalog(db):
    """Nine films; by rating (Bayesian rank): Heat, La Haine, Amélie, Toy Story, Before
    Sunrise, Ratatouille, Paddington, Lost Reel (unrated), Taxi."""
    for code, name in [("FR", "France"), ("US", "United States"), ("GB", "United Kingdom")]:
        Country.objects.create(code=code, name=name)
    films = [
        ("Heat", 1995, 170, ["Crime", "Drama"], ["Heist", "Police"], "US", ("4.2", 400)),
        ("La Haine", 1995, 98, ["Crime", "Drama"], ["Paris", "Police"], "FR", ("4.1", 200)),
        ("Amélie", 2001, 121, ["Comedy", "Romance"], ["Paris"], "FR", ("4.0", 1000)),
        ("Toy Story", 1995, 89, ["Animation", "Comedy"], [], "US", ("4.0", 300)),
        ("Before Sunrise", 1995, 101, ["Drama", "Romance"], [], "US", ("3.9", 150)),
        ("Ratatouille", 2007, 120, ["Animation", "Comedy"], ["Paris"], "US", ("3.8", 100)),
        ("Paddington", 2014, 90, ["Comedy"], [], "GB", ("3.6", 90)),
        ("Taxi", 1998, 86, ["Comedy", "Crime"], ["Paris"], "FR", ("2.9", 60)),
    ]
    for title, year, runtime, genres, themes, country, (average, count) in films:
        make_film(
            title=title,
            year=year,
            runtime=runtime,
            genres=genres,
            themes=themes,
            countries=[country],
            **rated(average, count),
        )
    # No runtime, no rating: the prior's rank, as the catalog import leaves it.
    make_film(title="Lost Reel", year=1990, genres=["Drama"], rating_rank=3.0)


# Any known theme makes the page fail: see the report in the reason.
EVERY_FILM_BY_RATING = [
    "Heat",
    "La Haine",
    "Amélie",
    "Toy Story",
    "Before Sunrise",
    "Ratatouille",
    "Paddington",
    "Lost Reel",
    "Taxi",
]


# --- No filter --------------------------------------------------------------------------


def test_without_filters_it_lists_every_film_best_rated_first(client, catalog):
    doc = browse(client)

    assert text(doc, "h1") == "Browse films"
    assert status(doc) == "9 films."
    assert titles(doc) == EVERY_FILM_BY_RATING
    assert form_errors(doc) == {}


def test_an_empty_form_submitted_lists_every_film(client, catalog):
    doc = browse(
        client,
        "genre_mode=all&exclude_genre=&theme=&country=&decade=&year_from=&year_to="
        "&duration=&min_rating=&sort=rating",
    )

    assert titles(doc) == EVERY_FILM_BY_RATING
    assert form_errors(doc) == {}


# --- Each filter alone ------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        # Several genres: all of them, by default or said so.
        ("genre=crime&genre=drama", ["Heat", "La Haine"]),
        ("genre=crime&genre=drama&genre_mode=all", ["Heat", "La Haine"]),
        ("genre=comedy", ["Amélie", "Toy Story", "Ratatouille", "Paddington", "Taxi"]),
        # Any of them, each film once though it has both.
        (
            "genre=crime&genre=drama&genre_mode=any",
            ["Heat", "La Haine", "Before Sunrise", "Lost Reel", "Taxi"],
        ),
        ("exclude_genre=comedy", ["Heat", "La Haine", "Before Sunrise", "Lost Reel"]),
        # Themes: all of those listed.
        ("theme=paris", ["La Haine", "Amélie", "Ratatouille", "Taxi"]),
        ("theme=paris,police", ["La Haine"]),
        ("theme=paris%2C+police", ["La Haine"]),
        ("theme=police&theme=paris", ["La Haine"]),
        ("country=FR", ["La Haine", "Amélie", "Taxi"]),
        (
            "decade=1990",
            ["Heat", "La Haine", "Toy Story", "Before Sunrise", "Lost Reel", "Taxi"],
        ),
        # Both years included.
        ("year_from=1998&year_to=2007", ["Amélie", "Ratatouille", "Taxi"]),
        ("year_from=2001", ["Amélie", "Ratatouille", "Paddington"]),
        ("year_to=1990", ["Lost Reel"]),
        # Under 90 minutes; 90 to 120 included; over 120. Unknown runtimes in none.
        ("duration=short", ["Toy Story", "Taxi"]),
        ("duration=medium", ["La Haine", "Before Sunrise", "Ratatouille", "Paddington"]),
        ("duration=long", ["Heat", "Amélie"]),
        # An average of exactly 4.0 is "4/5 or more"; unrated films are never.
        ("min_rating=4", ["Heat", "La Haine", "Amélie", "Toy Story"]),
        ("min_rating=1", [t for t in EVERY_FILM_BY_RATING if t != "Lost Reel"]),
    ],
)
def test_each_filter_alone_narrows_the_films(client, catalog, query, expected):
    doc = browse(client, query)

    assert form_errors(doc) == {}
    assert titles(doc) == expected
    assert status(doc) == f"{len(expected)} film{'s' if len(expected) != 1 else ''}."


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("rating", ["La Haine", "Amélie", "Taxi"]),
        ("year", ["Amélie", "Taxi", "La Haine"]),
        ("year-asc", ["La Haine", "Taxi", "Amélie"]),
        ("title", ["Amélie", "La Haine", "Taxi"]),
    ],
)
def test_the_films_found_are_sorted_as_asked(client, catalog, sort, expected):
    assert titles(browse(client, f"country=FR&sort={sort}")) == expected


# --- Filters combined -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("genre=comedy&country=FR&duration=short", ["Taxi"]),
        (
            "genre=drama&decade=1990&exclude_genre=romance&min_rating=4&sort=title",
            ["Heat", "La Haine"],
        ),
        ("genre=comedy&genre=animation&genre_mode=all&year_from=2000", ["Ratatouille"]),
        pytest.param(
            "genre=comedy&genre=animation&genre_mode=all&year_from=2000&theme=paris",
            ["Ratatouille"],
        ),
        (
            "genre=romance&genre=animation&genre_mode=any&exclude_genre=drama&sort=year-asc",
            ["Toy Story", "Amélie", "Ratatouille"],
        ),
        ("genre=crime&country=US&duration=long&min_rating=4.5", []),
        ("theme=police&country=US&duration=long&min_rating=4.5", []),
        ("decade=1990&year_from=1996", ["Taxi"]),
    ],
)
def test_filters_combine(client, catalog, query, expected):
    doc = browse(client, query)

    assert form_errors(doc) == {}
    assert titles(doc) == expected


def test_the_form_shows_the_filters_applied(client, catalog):
    doc = browse(
        client, "genre=crime&genre=drama&genre_mode=any&country=FR&duration=medium&sort=year"
    )

    form = find(doc, "form.browse-filters")
    checked = {(i.get("name"), i.get("value")) for i in find_all(form, "input[checked]")}
    assert checked == {("genre", "crime"), ("genre", "drama"), ("genre_mode", "any")}
    selected = {s.get("name"): texts(s, "option[selected]") for s in find_all(form, "select")}
    assert selected["country"] == ["France"]
    assert selected["duration"] == ["1h30 to 2h"]
    assert selected["sort"] == ["Newest"]
    assert selected["decade"] == ["Any decade"]


# --- Only what the catalog has --------------------------------------------------------------


def options(doc, name: str) -> list[str]:
    return texts(find(doc, f'form.browse-filters select[name="{name}"]'), "option")


def test_the_filters_offer_only_the_decades_and_countries_the_catalog_has(client, catalog):
    Country.objects.create(code="JP", name="Japan")  # no film from there

    doc = browse(client)

    assert options(doc, "decade") == ["Any decade", "2010s", "2000s", "1990s"]
    assert options(doc, "country") == ["Any country", "France", "United Kingdom", "United States"]
    assert form_errors(browse(client, "decade=1980")) == {"Decade": [not_a_choice("1980")]}


def test_a_new_decade_is_offered_once_the_catalog_changes(client, catalog):
    assert "1950s" not in options(browse(client), "decade")

    make_film(title="Ikiru", year=1952)
    surrogate_keys.catalog_changed()  # as an import or a curator's save does

    assert "1950s" in options(browse(client), "decade")


def test_no_theme_box_when_no_film_has_a_theme(client, db):
    make_film(title="Heat", year=1995, genres=["Crime"])
    make_named(Theme, "Unused")

    doc = browse(client)

    assert find_all(doc, 'form.browse-filters [name="theme"]') == []
    assert "Themes" not in text(find(doc, "form.browse-filters"))


# --- Wrong values in the URL --------------------------------------------------------------


@pytest.mark.parametrize(
    "query, label, message",
    [
        ("decade=abc", "Decade", not_a_choice("abc")),
        ("decade=1995", "Decade", not_a_choice("1995")),
        ("year_from=xyz", "From year", "Enter a number."),
        ("year_to=1800", "To year", "Ensure this value is greater than or equal to 1870."),
        ("year_from=NaN", "From year", "Enter a number."),
        ("min_rating=9", "Rating", not_a_choice("9")),
        ("theme=unknown", "Themes", not_a_choice("unknown")),
        ("genre=unknown", "Genres", not_a_choice("unknown")),
        ("sort=bogus", "Sort by", not_a_choice("bogus")),
        ("genre_mode=some", "Films with", not_a_choice("some")),
        ("duration=epic", "Duration", not_a_choice("epic")),
        (
            "exclude_genre=unknown",
            "Without the genre",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "country=zz",
            "Country",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        ("country=%00", "Country", "Null characters are not allowed."),
    ],
)
def test_a_wrong_value_in_the_url_is_a_message_on_the_form(client, catalog, query, label, message):
    response = client.get(f"/browse/?{query}")

    assert response.status_code == 200
    doc = page(response)
    assert form_errors(doc) == {label: [message]}
    assert "Some filters are not valid: see the messages above." in texts(doc, "p.error")
    assert card_titles(doc) == []


def test_years_the_wrong_way_round_are_a_message_not_an_empty_list(client, catalog):
    response = client.get("/browse/?year_from=2007&year_to=1995")

    doc = page(response)
    assert text(find(doc, "main"), 'div[role="alert"]') == (
        "“From year” (2007) is after “To year” (1995): no film is in between."
    )
    assert card_titles(doc) == []


def test_a_wrong_value_keeps_the_right_ones_on_the_form(client, catalog):
    doc = browse(client, "genre=drama&theme=paris,police&decade=abc&min_rating=9")

    assert form_errors(doc) == {
        "Decade": [not_a_choice("abc")],
        "Rating": [not_a_choice("9")],
    }
    checked = [i.get("value") for i in find_all(doc, 'input[name="genre"][checked]')]
    assert checked == ["drama"]
    assert find(doc, 'input[name="theme"]').get("value") == "paris, police"


# --- Pages ------------------------------------------------------------------------------


def test_the_films_found_are_paginated_keeping_the_filters(client, db):
    for i in range(25):
        make_film(title=f"Drama {i:02d}", year=2000 + i, genres=["Drama"])
    make_film(title="Comedy", genres=["Comedy"])

    first = browse(client, "genre=drama&sort=year-asc")
    assert status(first) == "25 films."
    assert titles(first) == [f"Drama {i:02d}" for i in range(20)]
    assert links(first, "nav.pagination") == [("Next", "?genre=drama&sort=year-asc&page=2")]

    second = browse(client, "genre=drama&sort=year-asc&page=2")
    assert titles(second) == [f"Drama {i:02d}" for i in range(20, 25)]
    assert text(second, "title") == "Browse films, page 2 · filmsite"


@pytest.mark.parametrize("number", ["0", "2", "999", "abc"])
def test_a_page_that_is_not_a_page_is_not_found(client, catalog, number):
    assert client.get("/browse/", {"genre": "drama", "page": number}).status_code == 404


# --- Query budget -----------------------------------------------------------------------


def make_browse_catalog(n: int) -> None:
    Country.objects.get_or_create(code="FR", defaults={"name": "France"})
    make_named(Genre, "Comedy")
    for i in range(n):
        make_film(
            title=f"Film {i:02d}",
            year=1990 + i % 10,
            runtime=100,
            genres=["Drama", "Crime", f"Genre {i}"],
            themes=["Paris", f"Theme {i}"],
            countries=["FR"],
            directors=[f"Director {i}"],
            cast=[f"Lead {i}", "Supporting Actor"],
            **rated("4.0", 10 + i),
        )


@pytest.mark.parametrize("n", [2, 25])
def test_the_browse_page_makes_six_queries_however_many_films(
    client, db, django_assert_num_queries, n
):
    make_browse_catalog(n)
    catalog_facets()  # its decades and themes: counted once per version of the catalog

    # The films counted; a page of films; their cards' facts (genres, themes, countries,
    # and credits with their people, in one statement); the form's genres (checkboxes),
    # genres again (the exclusion list) and countries.
    with django_assert_num_queries(6):
        doc = browse(client)

    assert len(card_titles(doc)) == min(n, 20)


@pytest.mark.parametrize("n", [2, 25])
def test_the_browse_page_with_every_filter_makes_as_many_queries_for_few_films_as_many(
    client, db, django_assert_num_queries, n
):
    make_browse_catalog(n)
    catalog_facets()
    query = (
        "genre=drama&genre=crime&exclude_genre=comedy&country=FR&decade=1990"
        "&duration=medium&min_rating=3&sort=title"
    )

    # The chosen genres, the excluded genre and the country looked up; the
    # films counted; a page of films; their cards' facts (one statement); the form's
    # genres, genres again and countries.
    with django_assert_num_queries(9):
        doc = browse(client, query)

    assert form_errors(doc) == {}
    assert len(card_titles(doc)) == min(n, 20)


# --- Bounded work, whatever the URL ------------------------------------------------------


def test_more_themes_than_a_page_takes_are_a_message_not_a_query(client, catalog):
    themes = [make_named(Theme, f"Theme {i}") for i in range(MAX_THEMES + 1)]

    doc = browse(client, "theme=" + ",".join(theme.slug for theme in themes))

    assert form_errors(doc) == {
        "Themes": [f"Choose at most {MAX_THEMES} themes ({MAX_THEMES + 1} given)."]
    }
    assert card_titles(doc) == []


def test_films_with_all_of_many_genres_are_found_in_one_pass_over_the_links(client, catalog):
    every_genre = "&".join(f"genre={g.slug}" for g in Genre.objects.all())
    some = make_film(title="Everything", genres=list(Genre.objects.values_list("name", flat=True)))

    with CaptureQueriesContext(connection) as queries:
        doc = browse(client, f"{every_genre}&genre_mode=all")

    assert card_titles(doc) == [f"Everything ({some.year})"]
    # One join for the links, not one per genre: the URL does not decide the work.
    films = [q["sql"] for q in queries.captured_queries if "films_film_genres" in q["sql"]]
    assert films and all(sql.count("JOIN") <= 2 for sql in films), films


def test_films_with_all_of_several_themes_are_found_in_one_pass(client, catalog):
    with CaptureQueriesContext(connection) as queries:
        doc = browse(client, "theme=paris,police,heist")

    films = [q["sql"] for q in queries.captured_queries if "films_film_themes" in q["sql"]]
    assert films and all(sql.count("JOIN") <= 2 for sql in films), films
    assert card_titles(doc) == []  # no film has the three
    assert card_titles(browse(client, "theme=heist,police")) == ["Heat (1995)"]
