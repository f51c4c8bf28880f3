"""The index pages: every genre, decade, country and theme of the catalog with its number of
films (issue 23, item 1), linked from every page's footer."""

import pytest

from films.catalog.models import Country, Genre
from pages.facets import catalog_counts, catalog_facets
from pages.views.indexes import THEMES_PER_PAGE
from tests.conftest import make_film, make_named
from tests.html import find, find_all, page, text

# Whitenoise warns that collectstatic has not been run; pages need no static files here.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def entries(doc) -> list[tuple[str, str, str]]:
    """(name, link, count) of each entry: ("Drama", "/genre/drama/", "2 films")."""
    return [
        (text(find(li, "a")), find(li, "a").get("href"), text(li, ".facet-count"))
        for li in find_all(doc, "ul.facet-list > li")
    ]


@pytest.fixture
def catalog(db):
    for code, name in [("FR", "France"), ("DE", "Germany"), ("BE", "Belgium"), ("JP", "Japan")]:
        Country.objects.create(code=code, name=name)
    make_film(title="La Haine", year=1995, genres=["Crime", "Drama"], countries=["FR"])
    make_film(title="Amélie", year=2001, genres=["Comedy"], countries=["FR", "DE"])
    make_film(title="Rosetta", year=1999, genres=["Drama"], countries=["BE"])
    make_film(title="Nosferatu", year=1922, genres=["Horror"], countries=["DE"])
    make_named(Genre, "Western")  # no film: not listed


def test_the_genres_page_lists_every_genre_with_films_and_their_number(client, catalog):
    doc = page(client.get("/genres/"))

    assert text(doc, "h1") == "Genres"
    assert entries(doc) == [
        ("Comedy", "/genre/comedy/", "1 film"),
        ("Crime", "/genre/crime/", "1 film"),
        ("Drama", "/genre/drama/", "2 films"),
        ("Horror", "/genre/horror/", "1 film"),
    ]


def test_the_decades_page_goes_from_the_oldest(client, catalog):
    assert entries(page(client.get("/decades/"))) == [
        ("1920s", "/decade/1920s/", "1 film"),
        ("1990s", "/decade/1990s/", "2 films"),
        ("2000s", "/decade/2000s/", "1 film"),
    ]


def test_the_countries_page_sorts_by_the_name_in_the_pages_language(client, catalog):
    assert entries(page(client.get("/countries/"))) == [
        ("Belgium", "/country/be/", "1 film"),
        ("France", "/country/fr/", "2 films"),
        ("Germany", "/country/de/", "2 films"),
    ]
    french = entries(page(client.get("/fr/countries/")))
    assert [name for name, _link, _count in french] == ["Allemagne", "Belgique", "France"]
    assert french[0] == ("Allemagne", "/fr/country/de/", "2 films")


def test_the_themes_page_is_only_there_when_films_have_themes(client, catalog):
    assert client.get("/themes/").status_code == 404
    assert "Themes" not in text(find(page(client.get("/genres/")), "nav.explore"))
    assert "Themes" not in text(find(page(client.get("/genres/")), "footer nav"))


def test_the_themes_page_puts_the_most_common_first_a_page_at_a_time(client, db):
    make_film(title="Heat", themes=["Police", "Heist"])
    make_film(title="La Haine", themes=["Police"])
    for n in range(THEMES_PER_PAGE + 10):
        make_film(title=f"Film {n}", themes=[f"Theme {n:03}"])

    first = page(client.get("/themes/"))
    second = page(client.get("/themes/", {"page": 2}))

    assert entries(first)[:3] == [
        ("Police", "/theme/police/", "2 films"),
        ("Heist", "/theme/heist/", "1 film"),
        ("Theme 000", "/theme/theme-000/", "1 film"),
    ]
    assert len(entries(first)) == THEMES_PER_PAGE
    assert len(entries(second)) == 12
    assert "Themes" in text(find(first, "nav.explore"))
    footer = find(page(client.get("/browse/")), "footer nav")
    assert ("Themes", "/themes/") in [(text(a), a.get("href")) for a in find_all(footer, "a")]


def test_every_page_links_to_the_index_pages_in_its_footer(client, catalog):
    for url in ["/", "/browse/", "/genres/", "/fr/"]:
        footer = find(page(client.get(url)), "footer")
        links = [a.get("href") for a in find_all(footer, "nav a")]
        prefix = "/fr" if url.startswith("/fr/") else ""
        assert links[:3] == [f"{prefix}/genres/", f"{prefix}/decades/", f"{prefix}/countries/"]


@pytest.mark.parametrize("url", ["/genres/", "/decades/", "/countries/", "/themes/"])
def test_an_index_page_is_one_query_whatever_the_catalog(
    client, db, django_assert_num_queries, url
):
    for n in range(5):
        make_film(
            title=f"Film {n}",
            year=1950 + 10 * n,
            genres=[f"G{n}"],
            themes=[f"T{n}"],
            countries=["FR"],
        )
    catalog_facets(), catalog_counts()  # counted once per version of the catalog

    # The genres or countries counted (their counts come with the catalog's, the decades
    # with the facets); themes with their counts, and counted for their pagination.
    expected = {"/genres/": 1, "/decades/": 0, "/countries/": 1, "/themes/": 2}[url]
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
