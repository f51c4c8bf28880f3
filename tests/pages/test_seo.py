"""What search engines read: canonical links, meta descriptions, OpenGraph, schema.org
JSON-LD, the sitemaps and robots.txt."""

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from films.catalog.models import Film, Genre, Language
from pages.sitemaps import SITEMAPS, CatalogSitemap
from pages.structured_data import iso_duration, movie_json_ld
from pages.templatetags.seo import meta_description
from tests.conftest import film_with_relations, make_film, make_person
from tests.html import find_all, parse

# Whitenoise warns that collectstatic has not been run; pages need no static files here.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

HOST = "http://testserver"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOSTILE = "</script><script>alert(1)</script>"


@pytest.fixture(autouse=True)
def fresh_cache():
    # The sitemap views are cached: each test sees the catalog it made.
    cache.clear()
    yield
    cache.clear()


@dataclass
class Head:
    """The <head> of a page as a search engine reads it."""

    meta: dict[str, str]  # name or property -> content
    links: dict[str, list[str]]  # rel -> [href, ...]
    json_ld: list[str]  # raw text of each application/ld+json script

    @classmethod
    def of(cls, html: str) -> "Head":
        doc = parse(html)
        meta = {}
        for tag in find_all(doc, "meta[name], meta[property]"):
            key = tag.get("property") or tag.get("name")
            assert key not in meta, f"{key} is given twice"
            meta[key] = tag.attrib["content"]
        links = {}
        for link in find_all(doc, "link"):
            links.setdefault(link.attrib["rel"], []).append(link.attrib["href"])
        scripts = find_all(doc, 'script[type="application/ld+json"]')
        return cls(meta, links, [script.text or "" for script in scripts])

    @property
    def canonical(self) -> str | None:
        hrefs = self.links.get("canonical", [])
        assert len(hrefs) <= 1, hrefs
        return hrefs[0] if hrefs else None

    def structured_data(self) -> dict:
        assert len(self.json_ld) == 1, self.json_ld
        return json.loads(self.json_ld[0])


def head(client, url: str) -> Head:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return Head.of(response.content.decode())


# --- A small schema.org validator: the keys each type may have, and what they hold. ---

TEXT = str
PEOPLE = "Person[]"
SCHEMA = {
    "Movie": {
        "required": {"@context", "@type", "name", "url"},
        "keys": {
            "@context": TEXT,
            "@type": TEXT,
            "name": TEXT,
            "alternateName": TEXT,
            "url": TEXT,
            "datePublished": TEXT,
            "duration": TEXT,
            "description": TEXT,
            "director": PEOPLE,
            "actor": PEOPLE,
            "genre": [TEXT],
            "countryOfOrigin": ["Country"],
            "inLanguage": [TEXT],
            "aggregateRating": "AggregateRating",
        },
    },
    "Person": {
        "required": {"@type", "name", "url"},
        "keys": {"@context": TEXT, "@type": TEXT, "name": TEXT, "url": TEXT},
    },
    "Country": {"required": {"@type", "name"}, "keys": {"@type": TEXT, "name": TEXT}},
    "AggregateRating": {
        "required": {"@type", "ratingValue", "ratingCount", "bestRating", "worstRating"},
        "keys": {
            "@type": TEXT,
            "ratingValue": (int, float),
            "ratingCount": int,
            "bestRating": int,
            "worstRating": int,
        },
    },
}


def validate(node: dict, expected_type: str) -> None:
    """Fails on a missing required key, an unknown key, a value of the wrong kind, an
    empty list, a relative URL or a duration or date that is not ISO 8601."""
    assert isinstance(node, dict), node
    assert node.get("@type") == expected_type, node
    schema = SCHEMA[expected_type]
    assert schema["required"] <= node.keys(), schema["required"] - node.keys()
    assert node.keys() <= schema["keys"].keys(), node.keys() - schema["keys"].keys()
    if "@context" in node:
        assert node["@context"] == "https://schema.org"
    for key, value in node.items():
        kind = schema["keys"][key]
        if kind == PEOPLE:
            kind = ["Person"]
        if isinstance(kind, list):
            assert isinstance(value, list) and value, (key, value)
            for item in value:
                if kind[0] in SCHEMA:
                    validate(item, kind[0])
                else:
                    assert isinstance(item, kind[0]), (key, item)
        elif kind in SCHEMA:
            validate(value, kind)
        else:
            assert isinstance(value, kind) and not isinstance(value, bool), (key, value)
            if isinstance(value, str):
                assert value.strip(), f"{key} is blank"
    if "url" in node:
        assert node["url"].startswith(HOST + "/"), node["url"]
    if "duration" in node:
        assert node["duration"].startswith("PT")
    if "datePublished" in node:
        date_text = node["datePublished"]
        assert len(date_text) in (4, 7, 10)
        date.fromisoformat((date_text + "-01-01")[:10])


# --- Canonical URLs ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_film_page_names_its_own_absolute_url_as_canonical(client):
    film = make_film(title="Leaving Las Vegas", year=1995)
    url = f"{HOST}/film/leaving-las-vegas-{film.pk}/"

    page = head(client, film.get_absolute_url() + "?utm_source=newsletter")

    assert page.canonical == url
    assert page.meta["og:url"] == url


@pytest.mark.django_db
def test_a_wrong_slug_redirects_to_the_canonical_url(client):
    film = make_film(title="Leaving Las Vegas", year=1995)
    person = make_person("Mike Figgis")

    film_response = client.get(f"/film/leaving-{film.pk}/")
    person_response = client.get(f"/person/figgis-{person.pk}/")

    assert film_response.status_code == person_response.status_code == 301
    assert film_response["Location"] == film.get_absolute_url()
    assert person_response["Location"] == person.get_absolute_url()
    assert head(client, film_response["Location"]).canonical == HOST + film.get_absolute_url()


@pytest.mark.django_db
def test_a_person_page_names_its_own_absolute_url_as_canonical(client):
    make_film(title="Leaving Las Vegas", directors=["Mike Figgis"])
    person = make_person("Mike Figgis")

    page = head(client, person.get_absolute_url())

    assert page.canonical == f"{HOST}/person/mike-figgis-{person.pk}/"


@pytest.mark.django_db
def test_a_list_page_keeps_only_the_page_number_in_its_canonical_url(client):
    drama = Genre.objects.create(name="Drama", slug="drama")
    for n in range(24):  # 20 a page, 3 orphans: two pages
        make_film(title=f"Drama {n}", genres=[drama])

    first = head(client, "/genre/drama/?sort=year")
    second = head(client, "/genre/drama/?sort=year&page=2&utm_source=x")

    assert first.canonical == f"{HOST}/genre/drama/"
    assert second.canonical == f"{HOST}/genre/drama/?page=2"
    assert "robots" not in second.meta


@pytest.mark.django_db
def test_a_decade_asked_for_with_a_leading_zero_names_the_plain_url_as_canonical(client):
    make_film(title="Leaving Las Vegas", year=1995)

    page = head(client, "/decade/01990s/")

    assert page.canonical == f"{HOST}/decade/1990s/"


@pytest.mark.django_db
def test_a_french_film_page_is_its_own_canonical(client):
    film = make_film(title="Leaving Las Vegas", year=1995)

    page = head(client, f"/fr/film/leaving-las-vegas-{film.pk}/")

    assert page.canonical == f"{HOST}/fr/film/leaving-las-vegas-{film.pk}/"


@pytest.mark.django_db
def test_search_results_and_filtered_lists_are_noindex_without_a_canonical(client):
    make_film(title="Leaving Las Vegas", year=1995)

    for url in ("/search/?q=vegas", "/browse/?year_from=1990"):
        page = head(client, url)
        assert page.meta["robots"] == "noindex, follow", url
        assert page.canonical is None, url

    browse = head(client, "/browse/")
    assert browse.canonical == f"{HOST}/browse/"
    assert "robots" not in browse.meta


# --- Meta description and OpenGraph -----------------------------------------------------


def test_a_long_text_is_cut_at_a_word_with_an_ellipsis():
    text = "Ben Sanderson, a Hollywood screenwriter who lost everything because of his " * 5

    description = meta_description(text)

    assert len(description) <= 155
    assert description.endswith("…")
    assert text.startswith(description[:-1])
    assert text[len(description) - 1] == " "  # the cut falls between two words


def test_a_short_text_is_kept_whole_on_one_line():
    assert meta_description("  A drunk\n\nand a  call girl. ") == "A drunk and a call girl."


@pytest.mark.django_db
def test_the_meta_description_of_a_film_comes_from_its_synopsis(client):
    synopsis = "Ben Sanderson, a Hollywood screenwriter who lost everything, " * 6
    film = make_film(title="Leaving Las Vegas", year=1995, synopsis=synopsis)

    page = head(client, film.get_absolute_url())

    assert page.meta["description"] == meta_description(synopsis)
    assert page.meta["description"].startswith("Ben Sanderson, a Hollywood screenwriter")
    assert len(page.meta["description"]) <= 155
    assert page.meta["og:description"] == page.meta["description"]


@pytest.mark.django_db
def test_without_a_synopsis_the_meta_description_is_the_summary_sentence(client):
    film = make_film(title="Leaving Las Vegas", year=1995, directors=["Mike Figgis"])

    response = client.get(film.get_absolute_url())
    page = Head.of(response.content.decode())

    summary = response.context["summary"]
    assert "Mike Figgis" in summary
    assert page.meta["description"] == summary
    assert page.meta["og:description"] == summary


@pytest.mark.django_db
def test_a_film_page_has_opengraph_tags_for_a_movie(client):
    film = make_film(title="Leaving Las Vegas", year=1995, synopsis="A drunk in Las Vegas.")

    page = head(client, film.get_absolute_url())

    assert page.meta["og:type"] == "video.movie"
    assert page.meta["og:title"] == "Leaving Las Vegas"
    assert page.meta["og:site_name"] == "filmsite"
    assert page.meta["og:description"] == "A drunk in Las Vegas."
    assert page.meta["og:url"] == page.canonical
    assert page.meta["twitter:card"] == "summary"


@pytest.mark.django_db
def test_a_person_page_has_opengraph_tags_for_a_profile(client):
    make_film(title="Leaving Las Vegas", directors=["Mike Figgis"], cast=["Mike Figgis"])
    person = make_person("Mike Figgis")

    page = head(client, person.get_absolute_url())

    assert page.meta["og:type"] == "profile"
    assert page.meta["og:title"] == "Mike Figgis"
    assert page.meta["og:description"] == page.meta["description"]
    assert page.meta["og:description"].startswith("Mike Figgis: 1 film")


@pytest.mark.django_db
def test_other_pages_are_websites_titled_as_their_title(client):
    make_film(title="Leaving Las Vegas", genres=["Drama"])

    home = head(client, "/")
    genre = head(client, "/genre/drama/")

    assert home.meta["og:type"] == genre.meta["og:type"] == "website"
    assert home.canonical == f"{HOST}/"
    assert home.meta["og:title"] == "filmsite"
    assert home.meta["og:description"] == home.meta["description"]
    assert genre.meta["og:title"] == "Drama films"


# --- JSON-LD ----------------------------------------------------------------------------


@pytest.fixture
def las_vegas(db) -> Film:
    film = make_film(
        title="Leaving Las Vegas",
        year=1995,
        release_date=date(1995, 10, 27),
        release_date_precision="day",
        runtime=112,
        synopsis="A suicidal alcoholic meets a prostitute in Las Vegas.",
        genres=["Drama", "Romance"],
        countries=["US"],
        directors=["Mike Figgis"],
        cast=["Nicolas Cage", "Elisabeth Shue", "Julian Sands"],
    )
    film.languages.set([Language.objects.create(code="en", name="English")])
    return film


def test_durations_are_iso_8601():
    assert iso_duration(112) == "PT1H52M"
    assert iso_duration(45) == "PT45M"
    assert iso_duration(120) == "PT2H"
    assert iso_duration(None) is None


@pytest.mark.django_db
def test_a_film_page_describes_the_film_as_a_schema_org_movie(client, las_vegas):
    page = head(client, las_vegas.get_absolute_url())
    movie = page.structured_data()

    validate(movie, "Movie")
    assert movie["name"] == "Leaving Las Vegas"
    assert movie["url"] == page.canonical
    assert movie["datePublished"] == "1995-10-27"
    assert movie["duration"] == "PT1H52M"
    assert movie["description"] == "A suicidal alcoholic meets a prostitute in Las Vegas."
    figgis = make_person("Mike Figgis")
    assert movie["director"] == [
        {"@type": "Person", "name": "Mike Figgis", "url": HOST + figgis.get_absolute_url()}
    ]
    assert [a["name"] for a in movie["actor"]] == ["Nicolas Cage", "Elisabeth Shue", "Julian Sands"]
    assert movie["genre"] == ["Drama", "Romance"]
    assert movie["countryOfOrigin"] == [{"@type": "Country", "name": "US"}]
    assert movie["inLanguage"] == ["en"]
    assert "aggregateRating" not in movie


@pytest.mark.django_db
def test_a_film_with_votes_has_an_aggregate_rating(client, las_vegas):
    Film.objects.filter(pk=las_vegas.pk).update(rating_average=Decimal("3.85"), rating_count=120)

    movie = head(client, las_vegas.get_absolute_url()).structured_data()

    validate(movie, "Movie")
    assert movie["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 3.85,
        "bestRating": 5,
        "worstRating": 0,
        "ratingCount": 120,
    }


@pytest.mark.django_db
def test_a_film_with_little_known_has_only_what_is_known(client):
    film = make_film(title="Untitled", year=None, runtime=45)

    movie = head(client, film.get_absolute_url()).structured_data()

    validate(movie, "Movie")
    assert set(movie) == {"@context", "@type", "name", "url", "duration"}
    assert movie["duration"] == "PT45M"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "precision, expected", [("day", "1995-10-27"), ("month", "1995-10"), ("year", "1995")]
)
def test_the_release_date_is_as_precise_as_it_is_known(client, precision, expected):
    film = make_film(
        title="Leaving Las Vegas",
        year=1995,
        release_date=date(1995, 10, 27),
        release_date_precision=precision,
    )

    movie = head(client, film.get_absolute_url()).structured_data()

    assert movie["datePublished"] == expected


@pytest.mark.django_db
def test_the_first_ten_actors_are_listed_in_the_pages_cast_order(client):
    cast = [f"Actor {n:02d}" for n in range(12)]
    film = make_film(title="Ensemble", cast=cast)

    movie = head(client, film.get_absolute_url()).structured_data()

    validate(movie, "Movie")
    assert [a["name"] for a in movie["actor"]] == cast[:10]


@pytest.mark.django_db
def test_a_hostile_title_cannot_leave_the_json_ld_script(client):
    film = make_film(title=HOSTILE, synopsis="Tom & Jerry <3", cast=[HOSTILE])

    html = client.get(film.get_absolute_url()).content.decode()
    movie = Head.of(html).structured_data()

    assert "<script>alert(1)" not in html
    assert movie["name"] == HOSTILE
    assert movie["description"] == "Tom & Jerry <3"
    assert movie["actor"][0]["name"] == HOSTILE
    validate(movie, "Movie")


@pytest.mark.django_db
def test_building_the_movie_makes_no_query_from_the_pages_prefetches(
    las_vegas, django_assert_num_queries
):
    film = film_with_relations(las_vegas.pk)
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        movie = movie_json_ld(film, request)

    validate(movie, "Movie")


@pytest.mark.django_db
def test_a_person_page_describes_the_person_as_a_schema_org_person(client):
    make_film(title="Leaving Las Vegas", directors=["Mike Figgis"])
    person = make_person("Mike Figgis")

    page = head(client, person.get_absolute_url())
    data = page.structured_data()

    validate(data, "Person")
    assert data == {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": "Mike Figgis",
        "url": page.canonical,
    }


@pytest.mark.django_db
def test_a_hostile_name_cannot_leave_the_person_json_ld(client):
    make_film(title="A Film", cast=[HOSTILE])
    person = make_person(HOSTILE)

    html = client.get(person.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert Head.of(html).structured_data()["name"] == HOSTILE


@pytest.mark.django_db
def test_other_pages_have_no_json_ld(client):
    make_film(title="Leaving Las Vegas", genres=["Drama"])

    assert head(client, "/").json_ld == []
    assert head(client, "/genre/drama/").json_ld == []


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

    assert locations(client.get("/sitemap-static.xml")) == [
        f"{HOST}/{path}" for path in ["", "browse/", "genres/", "decades/", "countries/"]
    ]
    assert locations(client.get("/sitemap-genres.xml")) == [f"{HOST}/genre/drama/"]
    assert locations(client.get("/sitemap-themes.xml")) == [f"{HOST}/theme/addiction/"]
    assert locations(client.get("/sitemap-countries.xml")) == [f"{HOST}/country/us/"]
    assert locations(client.get("/sitemap-decades.xml")) == [f"{HOST}/decade/1990s/"]
    assert locations(client.get("/sitemap-people.xml")) == [
        HOST + drama.directors[0].get_absolute_url()
    ]


def test_every_section_holds_at_most_10000_urls_a_page():
    # Well under sitemaps.org's 50,000: a page that size takes a worker past 150 MB.
    assert CatalogSitemap.limit == 10_000
    for section in SITEMAPS.values():
        assert section.limit == 10_000


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
def test_a_sitemap_is_rendered_once_whatever_the_query_string_or_language(
    client, django_assert_num_queries
):
    make_film(title="Leaving Las Vegas", year=1995)
    first = client.get("/sitemap-films.xml")

    # A crawler's or an attacker's variations all come from the one stored page.
    with django_assert_num_queries(0):
        for variant in ("?x=1", "?x=2&p=1", "?p=01", "?utm_source=feed"):
            again = client.get(f"/sitemap-films.xml{variant}", headers={"Accept-Language": "fr"})
            assert again.status_code == 200
            assert again.content == first.content
            assert again["Content-Type"] == first["Content-Type"]
    assert client.get("/sitemap-films.xml?p=%C2%B2").status_code == 404  # "²" is no page


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
