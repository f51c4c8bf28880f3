"""What the second version of the catalog format brings to the pages: titles, genre and
theme names in French, links out, a series in its order, a synopsis's licence. The catalog
is made for the tests and read by the import, as a real one would be."""

import io

import pytest
from django.core.management import call_command

from films.catalog.models import Film, Person
from recommendations.services import build_all
from tests.catalog.conftest import film_line, write_catalog
from tests.html import find, find_all, links, page, text, texts

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

RIDLEY = {"id": "wikidata:Q56005", "name": "Ridley Scott", "links": {"imdb": "nm0000631"}}
SCIENCE_FICTION = {
    "id": "wikidata:Q471839",
    "name": "Science fiction",
    "names": {"fr": "science-fiction"},
}
SPACE = {"id": "wikidata:Q4169", "name": "outer space", "names": {"fr": "espace"}}


def alien_film(number, title, year, ordinal, **fields):
    return film_line(
        number,
        title=title,
        year=year,
        genres=[SCIENCE_FICTION, "Horror"],
        themes=[SPACE],
        series={
            "id": "wikidata:Q1520",
            "name": "Alien",
            "names": {"fr": "Alien, la saga"},
            "ordinal": ordinal,
        },
        **fields,
    )


@pytest.fixture
def aliens(db, tmp_path):
    catalog = write_catalog(
        tmp_path,
        # Written out of order: the page orders the series by its ordinals.
        alien_film(3, "Alien 3", 1992, 3, directors=["David Fincher"]),
        alien_film(
            1,
            "Alien",
            1979,
            1,
            titles={"fr": "Alien, le huitième passager"},
            directors=[RIDLEY],
            links={
                "imdb": "tt0078748",
                "wikidata": "Q103569",
                "tmdb": "348",
                "wikipedia_en": "Alien (film)",
                "wikipedia_fr": "Alien, le huitième passager",
            },
            synopsis="A crew meets a creature.",
            synopsis_source="Wikipedia",
            synopsis_license="CC BY-SA 4.0",
            synopsis_url="https://en.wikipedia.org/wiki/Alien_(film)",
        ),
        alien_film(2, "Aliens", 1986, 2, directors=["James Cameron"]),
    )
    call_command("import_catalog", catalog, stdout=io.StringIO())
    build_all()
    return Film.objects.get(title="Alien")


def facts(doc) -> dict[str, str]:
    section = find(doc, "section.facts")
    return dict(zip(texts(section, "dt"), texts(section, "dd"), strict=True))


def test_a_film_page_lists_its_series_in_order_and_says_its_place(client, aliens):
    doc = page(client.get(Film.objects.get(title="Aliens").get_absolute_url()))

    assert facts(doc)["Series"] == "Part 2 of Alien"
    series = find(doc, "section.series")
    assert text(series, "h2") == "The Alien series"
    assert texts(series, "li") == ["Alien (1979)", "Aliens (1986)", "Alien 3 (1992)"]
    assert text(series, "[aria-current=page]") == "Aliens"
    assert [name for name, _ in links(series)] == ["Alien", "Alien 3"]


def test_a_synopsis_shows_its_source_and_licence_with_links(client, aliens):
    doc = page(client.get(aliens.get_absolute_url()))

    credit = find(doc, "section.synopsis p.source")
    assert text(credit) == "Synopsis: Wikipedia, CC BY-SA 4.0"
    assert links(credit) == [
        ("Wikipedia", "https://en.wikipedia.org/wiki/Alien_(film)"),
        ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    ]
    assert find(credit, "a[rel~=license]") is not None


def test_a_cards_synopsis_says_its_language_on_a_french_page(client, aliens):
    # Aliens suggests Alien, whose card shows its English synopsis.
    doc = page(client.get("/fr" + Film.objects.get(title="Aliens").get_absolute_url()))

    synopses = find_all(doc, "li .synopsis")
    assert [(s.get("lang"), text(s)) for s in synopses] == [("en", "A crew meets a creature.")]


def test_film_and_person_pages_link_out_where_the_catalog_gives_ids(client, aliens):
    doc = page(client.get(aliens.get_absolute_url()))

    assert links(find(doc, "p.links-out")) == [
        ("Wikipedia", "https://en.wikipedia.org/wiki/Alien_(film)"),
        ("Wikipedia (fr)", "https://fr.wikipedia.org/wiki/Alien,_le_huiti%C3%A8me_passager"),
        ("IMDb", "https://www.imdb.com/title/tt0078748/"),
        ("TMDB", "https://www.themoviedb.org/movie/348"),
        ("Wikidata", "https://www.wikidata.org/wiki/Q103569"),
    ]
    ridley = page(client.get(Person.objects.get(name="Ridley Scott").get_absolute_url()))
    assert links(find(ridley, "p.links-out")) == [
        ("IMDb", "https://www.imdb.com/name/nm0000631/"),
        ("Wikidata", "https://www.wikidata.org/wiki/Q56005"),
    ]


def test_french_pages_show_the_catalogs_french_titles_and_names(client, aliens):
    doc = page(client.get("/fr" + aliens.get_absolute_url()))

    assert text(doc, "h1") == "Alien, le huitième passager (1979)"
    assert text(doc, "p.summary").startswith("Alien, le huitième passager est un film de 1979")
    assert facts(doc)["Genres"] == "Épouvante, science-fiction"
    assert facts(doc)["Thèmes"] == "espace"
    assert facts(doc)["Série"] == "Épisode 1 de la série Alien, la saga"
    # Its synopsis comes from the English Wikipedia: marked as English for screen readers.
    assert find(doc, "section.synopsis .synopsis-text").get("lang") == "en"
    series = find(doc, "section.series")
    assert texts(series, "li")[0] == "Alien, le huitième passager (1979)"
    # The cards of its similar films name genres and themes in French too.
    cards = find_all(doc, "article.film-card")
    assert cards
    assert "science-fiction" in text(cards[0])
    assert "espace" in text(cards[0])


def test_english_pages_keep_the_catalogs_own_names(client, aliens):
    doc = page(client.get(aliens.get_absolute_url()))

    assert text(doc, "h1") == "Alien (1979)"
    assert facts(doc)["Genres"] == "Horror, Science fiction"
    assert facts(doc)["Themes"] == "outer space"


def test_the_series_list_follows_the_other_films_of_the_series(client, aliens, tmp_path):
    url = "/fr" + Film.objects.get(title="Aliens").get_absolute_url()
    assert texts(find(page(client.get(url)), "section.series"), "li")[2] == "Alien 3 (1992)"

    catalog = write_catalog(
        tmp_path,
        alien_film(3, "Alien 3", 1992, 3, titles={"fr": "Alien³"}, directors=["David Fincher"]),
        name="update.jsonl",
    )
    call_command("import_catalog", catalog, stdout=io.StringIO())

    assert texts(find(page(client.get(url)), "section.series"), "li")[2] == "Alien³ (1992)"
