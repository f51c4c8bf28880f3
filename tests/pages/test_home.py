"""The home page, a place to start from (issue 23, item 1): the ways into the catalog with
their counts, best rated films, hidden gems, what visitors rate and discuss lately, and a
film at random."""

import pytest
from django.urls import reverse

from films.catalog.models import Country
from films.community.models import Comment, Vote
from pages.facets import catalog_counts, catalog_facets
from tests.community.helpers import comment_data, make_comment
from tests.conftest import make_film
from tests.html import card_titles, find, find_all, page, text, texts
from tests.pages.test_film_lists import rated

# Whitenoise warns that collectstatic has not been run; pages need no static files here.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def section(doc, heading_id: str):
    return find(doc, f'section[aria-labelledby="{heading_id}"]')


def chips(node) -> list[str]:
    return [" ".join(text(li).split()) for li in find_all(node, "ul.chips > li")]


@pytest.fixture
def catalog(db):
    """Made for the tests: eleven films. Ratings counts 100 (well known) to 5 (little
    known); the median rated film has 100."""
    Country.objects.create(code="FR", name="France")
    Country.objects.create(code="US", name="United States")
    films = {
        "Heat": make_film(title="Heat", year=1995, genres=["Crime", "Drama"], countries=["US"],
                          **rated("4.2", 400)),
        "Amélie": make_film(title="Amélie", year=2001, genres=["Comedy"], countries=["FR"],
                            **rated("4.0", 300)),
        "La Haine": make_film(title="La Haine", year=1995, genres=["Crime", "Drama"],
                              countries=["FR"], **rated("4.1", 200)),
        "Obscure": make_film(title="Obscure Delight", year=1962, genres=["Drama"],
                             countries=["FR"], **rated("4.4", 6)),
        "Dud": make_film(title="Little Dud", year=1962, genres=["Drama"], **rated("2.1", 5)),
    }  # fmt: skip
    for n in range(6):
        make_film(title=f"Known {n}", year=1980, genres=["Drama"], **rated("3.0", 100))
    return films


def test_the_home_page_shows_the_ways_into_the_catalog_with_their_counts(client, catalog):
    doc = page(client.get("/"))

    assert "11 films, each with the films most like it and why." in text(doc, "p.lead")
    assert chips(section(doc, "home-genres")) == ["Drama 10", "Crime 2", "Comedy 1"]
    assert chips(section(doc, "home-decades")) == ["1960s 2", "1980s 6", "1990s 2", "2000s 1"]
    assert chips(section(doc, "home-countries")) == ["France 3", "United States 1"]
    assert find(doc, 'form.surprise[action="/surprise/"] button') is not None


def test_best_rated_and_hidden_gems(client, catalog):
    doc = page(client.get("/"))

    assert card_titles(section(doc, "best-rated"))[:3] == [
        "Heat (1995)", "La Haine (1995)", "Amélie (2001)",
    ]  # fmt: skip
    # Rated by fewer than the median film (100), and well: not the little dud.
    assert card_titles(section(doc, "hidden-gems")) == ["Obscure Delight (1962)"]


def test_what_visitors_rated_and_wrote_lately(client, catalog):
    for title, visitor in [("Heat", "a"), ("Amélie", "b"), ("Heat", "c")]:
        Vote.objects.create(film=catalog[title], visitor=visitor, stars=4)
    make_comment(catalog["La Haine"], name="Ada", body="Ça tourne.")
    make_comment(catalog["Heat"], name="Spam", body="Buy now", state=Comment.State.SPAM)

    lately = section(page(client.get("/")), "lately")

    assert chips(lately) == ["Heat (1995)", "Amélie (2001)"]
    assert texts(lately, ".comment-author") == ["Ada"]
    assert "Ça tourne." in text(lately, ".comment-body")


def test_a_new_comment_shows_on_the_home_page_at_once(client, catalog, settings):
    settings.WHOLE_PAGE_CACHE = True
    client.get("/")  # stored whole

    response = client.post(
        reverse("films:comments", args=[catalog["Heat"].slug, catalog["Heat"].pk]),
        comment_data(catalog["Heat"], name="Grace", body="The diner scene."),
    )
    assert response.status_code in (200, 302)

    assert "Grace" in texts(section(page(client.get("/")), "lately"), ".comment-author")


def test_an_empty_catalog_says_how_to_fill_it(client, db):
    doc = page(client.get("/"))

    assert "The catalog is empty." in text(find(doc, "main"))
    assert find_all(doc, "section") == []


def test_the_home_page_makes_the_same_queries_for_few_films_or_many(
    client, catalog, django_assert_num_queries
):
    catalog_facets(), catalog_counts()  # counted once per version of the catalog

    # Best rated, hidden gems, their cards' facts (one statement), the genres and the
    # countries shown, the films of the newest votes, and the newest comments.
    with django_assert_num_queries(7):
        page(client.get("/"))
    for n in range(20):
        make_film(title=f"More {n}", genres=[f"Genre {n}"], **rated("4.5", 300))
    with django_assert_num_queries(7):
        page(client.get("/"))


def test_surprise_me_leads_to_a_well_rated_film(client, catalog):
    well_rated = {
        film.get_absolute_url() for film in catalog.values() if film.rating_average >= 3.5
    }

    for _ in range(10):
        response = client.get("/surprise/")
        assert response.status_code == 302
        assert response["Location"] in well_rated
        assert "no-cache" in response["Cache-Control"]


def test_surprise_me_on_an_empty_catalog_leads_home(client, db):
    response = client.get("/surprise/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_film_is_on_one_shelf_only(client, db):
    # The median film has 100 ratings: a film of 30 is little known, and among the best.
    for n in range(10):
        make_film(title=f"Known {n}", **rated("3.0", 100))
    make_film(title="Both", **rated("4.5", 30))

    doc = page(client.get("/"))

    assert "Both" in " ".join(card_titles(section(doc, "best-rated")))
    assert find_all(doc, 'section[aria-labelledby="hidden-gems"]') == []
