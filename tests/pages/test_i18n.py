"""The site in English and French: /fr/ pages in French, the language switch, hreflang
alternates in pages and sitemaps, dates, numbers and plurals in the visitor's language."""

import datetime
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import translation

from films.catalog.models import Country, Film
from pages.sentences import film_summary, similar_counts
from recommendations.models import FilmRecommendations
from tests.conftest import film_with_relations, make_film
from tests.html import HtmlElement, find, find_all, page, parse, text, texts

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

HOST = "http://testserver"
SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


@pytest.fixture(autouse=True)
def fresh_cache():
    # A /fr/ request leaves French active in the test's thread: English again after it.
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@dataclass
class Links:
    """The page's <html lang>, hreflang alternates in <head> and language switch links."""

    lang: str | None
    alternates: dict[str, str]  # hreflang -> href
    switch: list[dict[str, str]]  # attributes of each link in the language switch

    @classmethod
    def of(cls, html: str) -> "Links":
        doc = parse(html)
        alternates = {}
        for link in find_all(doc, 'link[rel="alternate"][hreflang]'):
            assert link.get("hreflang") not in alternates
            alternates[link.get("hreflang")] = link.attrib["href"]
        switch = [dict(a.attrib) for a in find_all(doc, "nav.language-switch a")]
        return cls(doc.get("lang"), alternates, switch)


@pytest.fixture
def film(db):
    Country.objects.create(code="FR", name="France")
    Country.objects.create(code="US", name="United States")
    return make_film(
        title="Leaving Las Vegas",
        year=1995,
        runtime=112,
        release_date=datetime.date(1995, 11, 7),
        release_date_precision="day",
        countries=["FR", "US"],
        genres=["Drama"],
        directors=["Mike Figgis"],
        cast=["Nicolas Cage", "Elisabeth Shue"],
        cast_in_billing_order=True,
    )


def french_url(film: Film) -> str:
    return "/fr" + film.get_absolute_url()


def facts(doc: HtmlElement) -> dict[str, str]:
    """The film page's facts as shown: {"Released": "7 November 1995", ...}."""
    section = find(doc, "section.facts")
    return dict(zip(texts(section, "dt"), texts(section, "dd"), strict=True))


def test_the_french_film_page_is_in_french(client, film):
    response = client.get(french_url(film))
    html = response.content.decode()
    doc = page(response)

    assert Links.of(html).lang == "fr"
    assert (
        "Leaving Las Vegas est un film franco-américain de 1995, de genre drame, "
        "réalisé par Mike Figgis, sorti le 7 novembre 1995, avec Nicolas Cage et "
        "Elisabeth Shue." in html
    )
    assert "Réalisé par" in facts(doc)
    assert facts(doc)["Sortie"] == "7 novembre 1995"
    assert "Laisser un commentaire" in html
    assert text(doc, "h3.comment-count") == "0 commentaire"  # French: 0 is singular
    assert "Parcourir les films" in html
    assert "Directed by" not in html


def test_the_english_film_page_is_unchanged(client, film):
    response = client.get(film.get_absolute_url())
    html = response.content.decode()
    doc = page(response)

    assert Links.of(html).lang == "en"
    assert facts(doc)["Released"] == "7 November 1995"
    assert "directed by Mike Figgis, released on 7 November 1995" in html
    assert text(doc, "h3.comment-count") == "0 comments"
    assert "Réalisé par" not in html


def test_film_cards_are_labelled_in_the_page_language(client, film):
    english = texts(page(client.get("/browse/")), "article.film-card dt")
    french = texts(page(client.get("/fr/browse/")), "article.film-card dt")

    assert {"Duration", "Directed by", "Origin", "Genres", "Actors"} <= set(english)
    assert {"Durée", "Réalisé par", "Origine", "Genres", "Acteurs"} <= set(french)
    assert "Directed by" not in french and "Actors" not in french


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_language_switch_links_to_the_same_page_in_each_language(client, film, language):
    english = film.get_absolute_url() + "?page=2"
    url = english if language == "en" else "/fr" + english
    links = Links.of(client.get(url).content.decode())

    assert [(a["hreflang"], a["lang"], a["href"]) for a in links.switch] == [
        ("en", "en", english),
        ("fr", "fr", "/fr" + english),
    ]
    current = [a["hreflang"] for a in links.switch if a.get("aria-current")]
    assert current == [language]
    assert links.alternates == {
        "en": HOST + english,
        "x-default": HOST + english,
        "fr": HOST + "/fr" + english,
    }


def test_every_page_has_hreflang_alternates(client, film):
    links = Links.of(client.get("/fr/browse/").content.decode())

    assert links.alternates == {
        "en": f"{HOST}/browse/",
        "x-default": f"{HOST}/browse/",
        "fr": f"{HOST}/fr/browse/",
    }


def test_the_sitemaps_give_each_url_its_hreflang_alternates(client, film):
    root = ET.fromstring(client.get("/sitemap-films.xml").content)

    (url,) = root.findall("sm:url", SITEMAP_NS)
    english = HOST + film.get_absolute_url()
    assert url.find("sm:loc", SITEMAP_NS).text == english
    alternates = {
        link.attrib["hreflang"]: link.attrib["href"]
        for link in url.findall("xhtml:link", SITEMAP_NS)
    }
    assert alternates == {
        "en": english,
        "fr": HOST + "/fr" + film.get_absolute_url(),
        "x-default": english,
    }
    static = ET.fromstring(client.get("/sitemap-static.xml").content)
    hrefs = [link.attrib["href"] for link in static.iter(f"{{{SITEMAP_NS['xhtml']}}}link")]
    assert hrefs[:6] == [
        f"{HOST}/", f"{HOST}/fr/", f"{HOST}/",
        f"{HOST}/browse/", f"{HOST}/fr/browse/", f"{HOST}/browse/",
    ]  # fmt: skip
    assert hrefs[6:9] == [f"{HOST}/genres/", f"{HOST}/fr/genres/", f"{HOST}/genres/"]


def test_a_sitemap_page_is_one_query_with_its_alternates(client, film, django_assert_num_queries):
    make_film(title="Amélie", year=2001)
    with django_assert_num_queries(1):
        client.get("/sitemap-films.xml")


def record(suggestions=0, **counts) -> FilmRecommendations:
    fields = {f"{kind}_count": value for kind, value in counts.items()}
    return FilmRecommendations(suggestions=[{"id": 0}] * suggestions, **fields)


def counted_film() -> Film:
    film = make_film(
        title="Leaving Las Vegas",
        genres=["Drama", "Romance"],
        themes=["Alcoholism"],
        directors=["Mike Figgis"],
        cast=["Nicolas Cage", "Elisabeth Shue"],
    )
    return film_with_relations(film.pk)


@pytest.mark.parametrize(
    "count, expected",
    [
        (0, "0 autre film a un acteur en commun avec Leaving Las Vegas, et 0 a le même"),
        (1, "1 autre film a un acteur en commun avec Leaving Las Vegas, et 1 a le même"),
        (2, "2 autres films ont un acteur en commun avec Leaving Las Vegas, et 2 ont le même"),
    ],
)
def test_the_french_counts_sentence_treats_0_and_1_as_singular(db, count, expected):
    counts = record(actors=count, directors=count, genres=count, same_genres=count,
                    themes=count, same_themes=count, suggestions=count)  # fmt: skip
    with translation.override("fr"):
        sentence = similar_counts(counted_film(), counts)

    assert sentence.startswith(expected)
    if count == 0:
        assert sentence.endswith("Aucun n’est assez proche pour être suggéré.")
    elif count == 1:
        assert (
            "1 film partage son thème, Alcoholism ; 1 d’entre eux n’a pas d’autre thème."
            in sentence
        )
        assert sentence.endswith("Le film qui a le plus en commun avec lui est suggéré.")
    else:
        assert "2 films partagent au moins un de ses genres" in sentence
        assert sentence.endswith("Les 2 films qui ont le plus en commun avec lui sont suggérés.")


def test_the_french_counts_sentence_groups_thousands_the_french_way(db):
    counts = record(actors=9923, directors=1, genres=12500, same_genres=3, themes=0,
                    same_themes=0, suggestions=20)  # fmt: skip
    with translation.override("fr"):
        sentence = similar_counts(counted_film(), counts)
    with translation.override("en"):
        english = similar_counts(counted_film(), counts)

    assert sentence.startswith(
        "9\u00a0923 autres films ont un acteur en commun avec Leaving Las Vegas"
    )
    assert "12\u00a0500 films partagent au moins un de ses genres" in sentence
    assert english.startswith("9,923 other films share an actor")


def test_a_french_list_page_has_a_french_title(client, film):
    doc = page(client.get("/fr/decade/1990s/"))

    assert text(doc, "h1") == "Films des années 1990"
    assert text(doc, "p.lead") == "1 film."


def test_french_comment_dates(client, film):
    from films.community.models import Comment

    Comment.objects.create(
        film=film, name="Ann", body="Beau film.", state=Comment.State.PUBLISHED,
        token="t1",
    )  # fmt: skip
    Comment.objects.filter(film=film).update(
        created_at=datetime.datetime(2024, 2, 1, 10, 5, tzinfo=datetime.UTC)
    )
    response = client.get(french_url(film))

    assert "1 février 2024" in response.content.decode()
    assert text(page(response), "h3.comment-count") == "1 commentaire"


def test_the_rating_says_whose_it_is_in_french(client, db):
    film = make_film(
        title="Ran",
        source="Wikidata",
        catalog_rating_average=Decimal("4.00"),
        catalog_rating_count=53,
        catalog_rating_kind="critics",
        votes_count=3,
        votes_sum=12,
        rating_average=Decimal("4.00"),
        rating_count=56,
    )

    doc = page(client.get("/fr" + film.get_absolute_url()))

    assert text(find(doc, "header.film-header"), "p.rating-sources") == (
        "Moyenne des critiques dans Wikidata, 53 critiques, et 3 votes sur filmsite."
    )


def test_the_french_summary_writes_known_genres_in_lower_case(db):
    film = film_with_relations(make_film(title="Amélie", genres=["Romance", "Comedy", "Giallo"]).pk)

    with translation.override("fr"):
        summary = film_summary(film)

    assert "de genres comédie, Giallo et romance" in summary


def test_genres_are_named_in_french_on_french_pages(client, db):
    make_film(title="Amélie", year=2001, genres=["Comedy", "Romance", "Giallo"])

    doc = page(client.get("/fr/genres/"))

    # Sorted by their French names; a genre the site cannot translate keeps its own.
    assert [text(a) for a in find_all(doc, "ul.facet-list a")] == ["Comédie", "Giallo", "Romance"]
    card = find(page(client.get("/fr/browse/")), "article.film-card")
    assert "Comédie, Giallo, Romance" in text(card, "dl.card-facts")
    assert find(card, ".tile").get("class") == "tile tile-rose"  # its colour, whatever the language
