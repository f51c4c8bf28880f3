"""What search engines read: the sitemaps and robots.txt."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from films.models import Genre
from films.sitemaps import SITEMAPS, CatalogSitemap
from tests.conftest import make_film

# Whitenoise warns that collectstatic has not been run; pages need no static files here.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

HOST = "http://testserver"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def fresh_cache():
    # The sitemap views are cached: each test sees the catalog it made.
    cache.clear()
    yield
    cache.clear()


# --- Sitemaps ---------------------------------------------------------------------------


def locations(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("sm:*/sm:loc", SITEMAP_NS)]


@pytest.mark.django_db
def test_the_sitemap_index_lists_every_section(client):
    make_film(title="Leaving Las Vegas", year=1995)

    listed = locations(client.get("/sitemap.xml"))

    assert listed == [f"{HOST}/sitemap-{section}.xml" for section in SITEMAPS]
    assert set(SITEMAPS) == {
        "static",
        "films",
        "people",
        "genres",
        "themes",
        "countries",
        "decades",
    }


@pytest.mark.django_db
def test_the_films_sitemap_lists_every_film_with_its_last_change(client):
    first = make_film(title="Leaving Las Vegas", year=1995)
    second = make_film(title="Amélie", year=2001)

    response = client.get("/sitemap-films.xml")
    root = ET.fromstring(response.content)

    assert locations(response) == [
        HOST + first.get_absolute_url(),
        HOST + second.get_absolute_url(),
    ]
    lastmods = [e.text for e in root.findall("sm:url/sm:lastmod", SITEMAP_NS)]
    assert lastmods == [f"{first.updated_at:%Y-%m-%d}", f"{second.updated_at:%Y-%m-%d}"]


@pytest.mark.django_db
def test_the_other_sections_list_pages_that_have_films(client):
    drama = make_film(title="Leaving Las Vegas", year=1995, genres=["Drama"], themes=["Addiction"],
                      countries=["US"], directors=["Mike Figgis"])  # fmt: skip
    Genre.objects.create(name="Western", slug="western")  # no film: not worth a visit

    assert locations(client.get("/sitemap-static.xml")) == [f"{HOST}/", f"{HOST}/browse/"]
    assert locations(client.get("/sitemap-genres.xml")) == [f"{HOST}/genre/drama/"]
    assert locations(client.get("/sitemap-themes.xml")) == [f"{HOST}/theme/addiction/"]
    assert locations(client.get("/sitemap-countries.xml")) == [f"{HOST}/country/us/"]
    assert locations(client.get("/sitemap-decades.xml")) == [f"{HOST}/decade/1990s/"]
    assert locations(client.get("/sitemap-people.xml")) == [
        HOST + drama.directors[0].get_absolute_url()
    ]


def test_every_section_holds_at_most_50000_urls_a_page():
    assert CatalogSitemap.limit == 50_000
    for section in SITEMAPS.values():
        assert section.limit == 50_000


@pytest.mark.django_db
def test_a_section_over_the_limit_is_split_into_pages_listed_in_the_index(client, monkeypatch):
    monkeypatch.setattr(CatalogSitemap, "limit", 2)
    films = [make_film(title=f"Film {n}") for n in range(5)]

    listed = locations(client.get("/sitemap.xml"))
    pages = [locations(client.get(f"/sitemap-films.xml?p={n}")) for n in (1, 2, 3)]

    film_sitemaps = [url for url in listed if "/sitemap-films.xml" in url]
    assert film_sitemaps == [
        f"{HOST}/sitemap-films.xml",
        f"{HOST}/sitemap-films.xml?p=2",
        f"{HOST}/sitemap-films.xml?p=3",
    ]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sum(pages, []) == [HOST + film.get_absolute_url() for film in films]
    assert client.get("/sitemap-films.xml?p=4").status_code == 404
    assert client.get("/sitemap-films.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.django_db
def test_a_sitemap_page_is_one_query(client, django_assert_num_queries):
    for n in range(3):
        make_film(title=f"Film {n}", directors=[f"Director {n}"])

    # The page's films (id, slug, updated_at), with no COUNT.
    with django_assert_num_queries(1):
        assert len(locations(client.get("/sitemap-films.xml"))) == 3
    # The page's people (id, slug).
    with django_assert_num_queries(1):
        assert len(locations(client.get("/sitemap-people.xml"))) == 3
    # Served from the cache the second time.
    with django_assert_num_queries(0):
        client.get("/sitemap-people.xml")


@pytest.mark.django_db
def test_the_sitemap_index_counts_each_section_once(client, django_assert_num_queries):
    make_film(title="Leaving Las Vegas", year=1995, genres=["Drama"])

    # The films' latest change, then a COUNT for films, people, genres, themes and
    # countries, and the decades that have films: 7, whatever the size of the catalog.
    with django_assert_num_queries(7):
        client.get("/sitemap.xml")


# --- robots.txt -------------------------------------------------------------------------


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_admin_and_search_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /fr/search/",
        "",
        f"Sitemap: {HOST}/sitemap.xml",
    ]
