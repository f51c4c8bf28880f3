"""Film cards (pages.cards, includes/film_card_body.html): the facts they name, in the
order the film page gives them, escaped, and in the page's language."""

from decimal import Decimal

import pytest

from films.catalog.models import Country, Film, Person
from films.catalog.ratings import apply_combined_rating
from tests.conftest import make_film
from tests.html import find, find_all, links, page, texts

# Whitenoise warns that collectstatic has not been run; pages need no static files here.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def card_facts_on_a_list(client, url) -> dict[str, str]:
    card = find(page(client.get(url)), "article.film-card")
    return dict(zip(texts(card, "dt"), texts(card, "dd"), strict=True))


def drama_card(client) -> dict[str, str]:
    return card_facts_on_a_list(client, "/genre/drama/")


CAST = [f"Actor {n}" for n in range(1, 10)]


def test_a_card_names_the_first_six_actors_in_billing_order(client, db):
    make_film(title="Billed", genres=["Drama"], cast=CAST)

    assert drama_card(client)["Actors"] == ", ".join(CAST[:6])


def test_a_card_gives_its_directors_in_order_and_the_rest_by_name_as_the_film_page(client, db):
    # By name, not by code: DE is Germany.
    Country.objects.create(code="DE", name="Germany")
    Country.objects.create(code="FR", name="France")
    film = make_film(
        title="Ordered",
        directors=["Zeno Second", "Abel First"],  # credit order, not names
        genres=["Drama", "Crime"],
        themes=["vengeance", "Betrayal", "exile"],
        countries=["DE", "FR"],
        writers=["A Writer"],  # on the film page, never on a card
    )

    card = drama_card(client)
    assert card["Directed by"] == "Zeno Second, Abel First"
    assert card["Genres"] == "Crime, Drama"
    assert card["Origin"] == "France, Germany"
    facts = find(page(client.get(film.get_absolute_url())), "section.facts")
    details = dict(zip(texts(facts, "dt"), texts(facts, "dd"), strict=True))
    assert card["Themes"] == details["Themes"]
    assert card["Themes"] == "Betrayal, exile, vengeance"
    assert "A Writer" not in card.values()


def test_without_billing_order_a_card_names_the_six_best_known_as_the_film_page(client, db):
    film = make_film(title="Unbilled", genres=["Drama"], cast=CAST, cast_in_billing_order=False)
    for n, name in enumerate(CAST):
        Person.objects.filter(name=name).update(film_count=n)  # Actor 9 in the most films
    Film.objects.filter(pk=film.pk).update(title="Unbilled, renamed")  # a fresh card

    best_known = [f"Actor {n}" for n in range(9, 3, -1)]
    assert drama_card(client)["Actors"] == ", ".join(best_known)
    cast = find(page(client.get(film.get_absolute_url())), "section.cast")
    assert texts(cast, "a")[:6] == best_known


def test_names_from_the_catalog_are_escaped_on_cards_and_film_pages(client, db):
    hostile = '<script>alert("x")</script> & Co'
    film = make_film(title="Hostile", genres=["Drama"], directors=[hostile], themes=[hostile])

    for url in ("/genre/drama/", film.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert drama_card(client)["Directed by"] == hostile


def test_a_card_on_a_french_page_names_countries_in_french_and_links_french_pages(client, db):
    Country.objects.create(code="US", name="United States")
    make_film(title="Heat", genres=["Drama"], countries=["US"])
    drama_card(client)  # the English card, cached first

    card = find(page(client.get("/fr/genre/drama/")), "article.film-card")
    assert ("États-Unis", "/fr/country/us/") in links(card)
    assert ("United States", "/country/us/") in links(
        page(client.get("/genre/drama/")), "article.film-card"
    )


@pytest.mark.parametrize(
    ("genres", "colour"),
    [
        (["Animation", "Comedy"], "sky"),  # the most telling genre, whatever the order
        (["Comedy", "Animation"], "sky"),
        (["Drama", "Crime"], "stone"),
        (["Drama"], "red"),
        ([], "plain"),
    ],
)
def test_a_cards_tile_takes_the_colour_of_the_films_main_genre(client, db, genres, colour):
    make_film(title="Tiled", year=1999, genres=genres)

    tile = find(page(client.get("/browse/")), "article.film-card .tile")

    assert tile.get("class").split() == ["tile", f"tile-{colour}"]
    assert tile.get("aria-hidden") == "true"  # the title and year, said once by the heading
    assert texts(tile, "span") == ["Tiled", "1999"]


def test_a_genre_no_word_names_always_gets_the_same_colour(client, db):
    make_film(title="One", genres=["Giallo"])
    make_film(title="Two", genres=["Giallo"])

    tiles = find_all(page(client.get("/browse/")), "article.film-card .tile")

    assert len({tile.get("class") for tile in tiles}) == 1
    assert tiles[0].get("class") != "tile tile-plain"


def test_a_card_gives_the_original_title_when_it_differs(client, db):
    make_film(title="Hate", original_title="La Haine", genres=["Drama"])
    make_film(title="Heat", original_title="Heat", genres=["Drama"])

    cards = find_all(page(client.get("/search/?q=haine&type=films")), "article.film-card")

    assert [texts(card, "p.card-original") for card in cards] == [["Original title: La Haine"]]
    heat = find(page(client.get("/search/?q=heat&type=films")), "article.film-card")
    assert texts(heat, "p.card-original") == []


@pytest.mark.parametrize(
    ("fields", "language", "said"),
    [
        ({"catalog_rating_kind": "critics"}, "", "from 53 reviews"),
        ({"catalog_rating_kind": "audience"}, "", "from 53 ratings"),
        (
            {"catalog_rating_kind": "critics", "votes_count": 2, "votes_sum": 8},
            "",
            "from 53 reviews and 2 votes",
        ),
        ({"catalog_rating_count": 0, "votes_count": 1, "votes_sum": 4}, "", "from 1 vote"),
        (
            {"catalog_rating_kind": "critics", "votes_count": 2, "votes_sum": 8},
            "/fr",
            "sur 53 critiques et 2 votes",
        ),
    ],
)
def test_a_cards_rating_says_what_it_averages(client, db, fields, language, said):
    film = make_film(
        title="Rated",
        genres=["Drama"],
        **{"catalog_rating_average": Decimal("3.80"), "catalog_rating_count": 53, **fields},
    )
    apply_combined_rating(film)
    film.save()

    card = find(page(client.get(f"{language}/genre/drama/")), "article.film-card")

    assert texts(card, ".rating-count") == [said]
