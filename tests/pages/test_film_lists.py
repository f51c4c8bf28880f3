"""Genre, theme, country and decade pages: the films that have it, sorted and paginated;
and the links to those pages from film pages and cards."""

from decimal import Decimal

import pytest
from django.urls import reverse

from films.catalog.models import Country, Film, Genre, Person, Theme
from films.catalog.ratings import combine_ratings
from pages.facets import catalog_facets
from tests.conftest import make_film
from tests.html import card_titles, find, find_all, links, page, text, texts

# Whitenoise warns that collectstatic has not been run; pages need no static files here.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def rated(average: str, count: int) -> dict:
    """A film's rating fields as the catalog import leaves them, Bayesian rank included."""
    combined = combine_ratings(
        catalog_average=Decimal(average), catalog_count=count, votes_sum=0, votes_count=0
    )
    return {
        "catalog_rating_average": Decimal(average),
        "catalog_rating_count": count,
        "rating_average": combined.average,
        "rating_count": combined.count,
        "rating_rank": combined.rank,
    }


def sort_nav(doc) -> list[str]:
    """The sort choices, the current one in brackets: ["[Best rated]", "Newest", ...]."""
    nav = find(doc, "nav.sort")
    current = text(nav, 'strong[aria-current="true"]')
    return [f"[{current}]"] + [name for name, _ in links(nav)]


@pytest.fixture
def dramas(db):
    """Four dramas of known rating and year, and a comedy."""
    Country.objects.create(code="FR", name="France")
    Country.objects.create(code="US", name="United States")
    make_film(
        title="Heat", year=1995, genres=["Drama", "Crime"], countries=["US"], **rated("4.2", 400)
    )
    # One perfect rating does not beat hundreds of good ones.
    make_film(
        title="One Vote Wonder", year=2020, genres=["Drama"], countries=["US"], **rated("5", 1)
    )
    make_film(
        title="Amélie",
        year=2001,
        genres=["Drama", "Comedy"],
        countries=["FR"],
        themes=["Paris"],
        **rated("4.0", 1000),
    )
    make_film(title="Mediocre", year=1980, genres=["Drama"], countries=["FR"], **rated("2.1", 50))
    make_film(
        title="Paddington", year=2014, genres=["Comedy"], countries=["US"], **rated("4.5", 90)
    )


def genre_page(client, slug="drama", **params):
    return page(client.get(reverse("films:genre", kwargs={"slug": slug}), params))


# --- A genre's films --------------------------------------------------------------------


def test_a_genre_page_lists_its_films_best_rated_first(client, dramas):
    doc = genre_page(client)

    assert text(doc, "h1") == "Drama films"
    assert text(doc, "title") == "Drama films · filmsite"
    assert text(doc, "p.lead") == "4 films."
    assert card_titles(doc) == [
        "Heat (1995)",
        "Amélie (2001)",
        "One Vote Wonder (2020)",
        "Mediocre (1980)",
    ]
    assert sort_nav(doc) == ["[Best rated]", "Newest", "Oldest", "Title"]


@pytest.mark.parametrize(
    "sort, label, titles",
    [
        ("rating", "Best rated", ["Heat", "Amélie", "One Vote Wonder", "Mediocre"]),
        ("year", "Newest", ["One Vote Wonder", "Amélie", "Heat", "Mediocre"]),
        ("year-asc", "Oldest", ["Mediocre", "Heat", "Amélie", "One Vote Wonder"]),
        ("title", "Title", ["Amélie", "Heat", "Mediocre", "One Vote Wonder"]),
    ],
)
def test_a_genre_page_sorts_by_rating_year_or_title(client, dramas, sort, label, titles):
    doc = genre_page(client, sort=sort)

    assert [title.rsplit(" (", 1)[0] for title in card_titles(doc)] == titles
    nav = find(doc, "nav.sort")
    assert text(nav, 'strong[aria-current="true"]') == label
    assert (label, f"?sort={sort}") not in links(nav)


@pytest.mark.parametrize("sort", ["bogus", "", "-rating_rank", "RATING"])
def test_an_unknown_sort_falls_back_to_rating(client, dramas, sort):
    doc = genre_page(client, sort=sort)

    assert card_titles(doc) == card_titles(genre_page(client))
    assert sort_nav(doc)[0] == "[Best rated]"


def test_sort_links_keep_the_other_parameters_but_not_the_page(client, dramas):
    doc = genre_page(client, sort="year", utm="x")

    assert links(doc, "nav.sort") == [
        ("Best rated", "?utm=x&sort=rating"),
        ("Oldest", "?utm=x&sort=year-asc"),
        ("Title", "?utm=x&sort=title"),
    ]


def test_films_of_unknown_year_come_last_in_either_year_order(client, dramas):
    Film.objects.filter(title="Mediocre").update(year=None)

    newest = genre_page(client, sort="year")
    oldest = genre_page(client, sort="year-asc")

    assert card_titles(newest)[-1] == "Mediocre"
    assert card_titles(oldest)[-1] == "Mediocre"


def test_the_title_order_ignores_case_and_accents(client, db):
    for title in ["Zodiac", "Élite Squad", "eXistenZ", "Alien", "À bout de souffle"]:
        make_film(title=title, genres=["Drama"])

    doc = genre_page(client, sort="title")

    assert card_titles(doc) == [
        "À bout de souffle (2000)",
        "Alien (2000)",
        "Élite Squad (2000)",
        "eXistenZ (2000)",
        "Zodiac (2000)",
    ]


def test_a_genre_with_one_film_or_none_says_so(client, dramas):
    Genre.objects.create(name="Western", slug="western")
    make_film(title="Tombstone", year=1993, genres=["Crime", "Drama"])

    assert text(genre_page(client, "crime"), "p.lead") == "2 films."
    assert text(genre_page(client, "comedy"), "p.lead") == "2 films."
    empty = genre_page(client, "western")
    assert text(empty, "p.lead") == "0 films."
    assert card_titles(empty) == []
    assert find_all(empty, "nav.sort") == []


# --- Theme, country and decade ------------------------------------------------------------


def test_a_theme_page_lists_the_films_about_it(client, dramas):
    make_film(title="Ratatouille", year=2007, themes=["Paris", "Cooking"], **rated("4.1", 300))

    doc = page(client.get("/theme/paris/"))

    assert text(doc, "h1") == "Films about Paris"
    assert text(doc, "p.lead") == "2 films."
    assert card_titles(doc) == ["Ratatouille (2007)", "Amélie (2001)"]


def test_a_country_page_lists_the_films_from_it(client, dramas):
    doc = page(client.get("/country/fr/"))

    assert text(doc, "h1") == "Films from France"
    assert text(doc, "p.lead") == "2 films."
    assert card_titles(doc) == ["Amélie (2001)", "Mediocre (1980)"]
    assert card_titles(page(client.get("/country/fr/", {"sort": "year-asc"}))) == [
        "Mediocre (1980)",
        "Amélie (2001)",
    ]


def test_a_decade_page_lists_the_films_of_those_ten_years(client, db):
    for year in (1989, 1990, 1995, 1999, 2000):
        make_film(title=f"Film of {year}", year=year)

    doc = page(client.get("/decade/1990s/", {"sort": "year-asc"}))

    assert text(doc, "h1") == "Films of the 1990s"
    assert text(doc, "p.lead") == "3 films."
    assert card_titles(doc) == ["Film of 1990 (1990)", "Film of 1995 (1995)", "Film of 1999 (1999)"]


@pytest.mark.parametrize(
    "url",
    [
        "/genre/unknown/",
        "/theme/unknown/",
        "/country/xx/",
        "/country/FR/",
        "/country/france/",
        "/decade/1995s/",
        "/decade/1860s/",
        "/decade/1870s/",  # a decade the catalog has no film of
        "/decade/2110s/",
        "/decade/0s/",
    ],
)
def test_an_unknown_genre_theme_country_or_decade_is_not_found(client, dramas, url):
    assert client.get(url).status_code == 404


def test_a_country_without_films_is_not_found(client, dramas):
    Country.objects.create(code="JP", name="Japan")

    assert client.get("/country/jp/").status_code == 404


def test_a_country_code_with_a_nul_byte_is_not_found(client, dramas):
    assert client.get("/country/%00/").status_code == 404


# --- Pages ------------------------------------------------------------------------------


@pytest.fixture
def many_dramas(db):
    for i in range(25):
        make_film(title=f"Drama {i:02d}", year=1990 + i, genres=["Drama"])


def test_a_long_list_is_paginated_keeping_the_sort(client, many_dramas):
    first = genre_page(client, sort="title")
    assert text(first, "p.lead") == "25 films."
    assert card_titles(first) == [f"Drama {i:02d} ({1990 + i})" for i in range(20)]
    assert links(first, "nav.pagination") == [("Next", "?sort=title&page=2")]

    second = genre_page(client, sort="title", page="2")
    assert card_titles(second) == [f"Drama {i:02d} ({1990 + i})" for i in range(20, 25)]
    assert text(second, "title") == "Drama films, page 2 · filmsite"
    assert links(second, "nav.pagination") == [("Previous", "?sort=title&page=1")]
    assert find(second, "ol.film-cards").get("start") == "21"


def test_a_few_films_more_than_a_page_stay_on_one_page(client, db):
    for i in range(23):
        make_film(title=f"Drama {i:02d}", genres=["Drama"])

    doc = genre_page(client)

    assert len(card_titles(doc)) == 23
    assert find_all(doc, "nav.pagination") == []


@pytest.mark.parametrize("number", ["0", "3", "999", "abc", "-1", ""])
def test_a_page_that_is_not_a_page_is_not_found(client, many_dramas, number):
    response = client.get("/genre/drama/", {"page": number})

    assert response.status_code == 404


# --- Query budget -----------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 25])
def test_a_genre_page_makes_four_queries_however_many_films(
    client, db, django_assert_num_queries, n
):
    for i in range(n):
        make_film(
            title=f"Drama {i:02d}",
            genres=["Drama", "Crime"],
            themes=["Revenge"],
            countries=["US"],
            directors=[f"Director {i}"],
            cast=[f"Lead {i}", "Supporting Actor"],
            **rated("3.5", i + 1),
        )

    catalog_facets()  # read once per version of the catalog (the footer's themes link)

    # The genre; the films counted; a page of films; their cards' facts (genres, themes,
    # countries, and credits with their people, in one statement).
    with django_assert_num_queries(4):
        doc = genre_page(client)

    assert len(card_titles(doc)) == min(n, 20)


# --- Links to these pages ---------------------------------------------------------------


@pytest.fixture
def heat(db) -> Film:
    Country.objects.create(code="US", name="United States")
    return make_film(
        title="Heat",
        year=1995,
        genres=["Crime", "Drama"],
        themes=["Heist"],
        countries=["US"],
        directors=["Michael Mann"],
        writers=["Michael Mann"],
        cast=["Al Pacino", "Robert De Niro"],
        **rated("4.2", 400),
    )


def expected_links() -> dict[str, str]:
    named = [*Genre.objects.all(), *Theme.objects.all(), *Country.objects.all()]
    return {
        **{str(o): o.get_absolute_url() for o in named},
        **{p.name: p.get_absolute_url() for p in Person.objects.all()},
    }


def assert_links_lead_to_their_pages(client, linked: list[tuple[str, str]]) -> None:
    assert linked
    for name, href in linked:
        assert client.get(href).status_code == 200, (name, href)


def test_a_card_links_every_genre_theme_country_and_person_to_their_page(client, heat):
    card = find(genre_page(client, "crime"), "article.film-card")

    facts = dict(zip(texts(card, "dt"), find_all(card, "dd"), strict=True))
    linked = {name: dict(links(dd)) for name, dd in facts.items() if links(dd)}
    urls = expected_links()
    assert linked == {
        "Directed by": {"Michael Mann": urls["Michael Mann"]},
        "Origin": {"United States": "/country/us/"},
        "Genres": {"Crime": "/genre/crime/", "Drama": "/genre/drama/"},
        "Themes": {"Heist": "/theme/heist/"},
        "Actors": {"Al Pacino": urls["Al Pacino"], "Robert De Niro": urls["Robert De Niro"]},
    }
    assert links(card, "h3.film-card-title") == [("Heat", heat.get_absolute_url())]
    assert_links_lead_to_their_pages(client, links(card))


def test_the_film_page_links_every_genre_theme_country_and_person_to_their_page(client, heat):
    doc = page(client.get(heat.get_absolute_url()))

    facts = find(doc, "section.facts")
    linked = {
        text(dt): dict(links(dd))
        for dt, dd in zip(find_all(facts, "dt"), find_all(facts, "dd"), strict=True)
        if links(dd)
    }
    urls = expected_links()
    assert linked == {
        "Directed by": {"Michael Mann": urls["Michael Mann"]},
        "Written by": {"Michael Mann": urls["Michael Mann"]},
        "Genres": {"Crime": "/genre/crime/", "Drama": "/genre/drama/"},
        "Themes": {"Heist": "/theme/heist/"},
        "Countries": {"United States": "/country/us/"},
    }
    cast = find(doc, "ul.cast-list")
    assert links(cast) == [
        ("Al Pacino", urls["Al Pacino"]),
        ("Robert De Niro", urls["Robert De Niro"]),
    ]
    assert ("1995", "/decade/1990s/") in links(doc, "h1")
    assert_links_lead_to_their_pages(client, links(facts) + links(cast) + links(doc, "h1"))
