"""`manage.py write_sitemaps`: every sitemap page rendered ahead into the cache, so that a
crawler's visit costs a worker no render (issue 22, finding 2)."""

import gzip
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from pages.sitemaps import CatalogSitemap
from tests.conftest import make_film

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def locations(response) -> list[str]:
    return [loc.text for loc in ET.fromstring(response.content).iterfind(".//sm:loc", SITEMAP_NS)]


def write(*origins) -> str:
    out = io.StringIO()
    call_command("write_sitemaps", *origins, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_written_sitemaps_are_served_without_a_query(
    client, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(CatalogSitemap, "limit", 2)
    films = [make_film(title=f"Film {n}", directors=[f"Director {n}"]) for n in range(3)]

    output = write("http://testserver")

    # The index, two pages of films, two of people, three of the site's own pages (home,
    # browse and three index pages), and one page for each other section.
    assert "http://testserver: 12 sitemap pages written" in output
    with django_assert_num_queries(0):
        index = locations(client.get("/sitemap.xml"))
        pages = [locations(client.get(f"/sitemap-films.xml?p={n}")) for n in (1, 2)]
        people = locations(client.get("/sitemap-people.xml?p=2"))
    assert "http://testserver/sitemap-films.xml?p=2" in index
    assert sum(pages, []) == ["http://testserver" + film.get_absolute_url() for film in films]
    assert len(people) == 1


@pytest.mark.django_db
def test_writing_again_replaces_what_was_stored(client):
    make_film(title="Rashomon", year=1950)
    write("http://testserver")
    assert len(locations(client.get("/sitemap-films.xml"))) == 1

    ikiru = make_film(title="Ikiru", year=1952)
    write("http://testserver")

    assert "http://testserver" + ikiru.get_absolute_url() in locations(
        client.get("/sitemap-films.xml")
    )


@pytest.mark.django_db
def test_pages_are_written_for_the_address_crawlers_use(client, settings):
    settings.ALLOWED_HOSTS = ["films.example.org"]
    film = make_film(title="Rashomon", year=1950)

    write("https://films.example.org")

    response = client.get("/sitemap-films.xml", headers={"Host": "films.example.org"}, secure=True)
    assert locations(response) == ["https://films.example.org" + film.get_absolute_url()]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("origin", "message"),
    [
        ("films.example.org", "is not a site's address"),
        ("ftp://films.example.org", "is not a site's address"),
        ("https://elsewhere.example.com", "elsewhere.example.com is not in ALLOWED_HOSTS"),
    ],
)
def test_a_wrong_address_is_refused_with_a_message(origin, message, settings):
    settings.ALLOWED_HOSTS = ["films.example.org"]

    with pytest.raises(CommandError, match=message):
        write(origin)


@pytest.mark.django_db
def test_a_crawler_that_takes_gzip_gets_the_stored_page_as_it_is(client):
    make_film(title="Rashomon", year=1950)
    plain = client.get("/sitemap-films.xml")

    compressed = client.get("/sitemap-films.xml", headers={"Accept-Encoding": "gzip, br"})

    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert "Accept-Encoding" in compressed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert "Content-Encoding" not in plain
