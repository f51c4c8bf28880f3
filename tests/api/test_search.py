"""/api/v1/search/films/ and /api/v1/search/people/: pages.search, by page."""

from tests.api.conftest import get, titles
from tests.conftest import make_film


def test_it_finds_films_by_title_in_any_case_and_without_accents(client, catalog):
    assert titles(get(client, "/search/films/", q="LEAVING las")) == ["Leaving Las Vegas"]
    assert titles(get(client, "/search/films/", q="amelie")) == ["Amélie"]
    assert titles(get(client, "/search/films/", q="fabuleux destin")) == ["Amélie"]


def test_it_finds_films_spelt_nearly_alike(client, catalog):
    assert titles(get(client, "/search/films/", q="timecod")) == ["Timecode"]
    assert titles(get(client, "/search/films/", q="liebestram"))[0] == "Liebestraum"


def test_it_pages_through_the_films_found(client, catalog):
    for n in range(29):
        make_film(title=f"Night Train {n}")
    first = get(client, "/search/films/", q="night", page_size=12)
    last = get(client, "/search/films/", q="night", page_size=12, page=3)

    assert first["count"] == 30 and first["pages"] == 3
    assert len(last["results"]) == 6
    # Titles that start with the query first, then those with a word that does.
    assert last["results"][-1]["title"] == "One Night Stand"
    assert first["next"] == "http://testserver/api/v1/search/films/?q=night&page_size=12&page=2"


def test_it_finds_people_the_best_known_first(client, catalog):
    from films.catalog.models import Person

    Person.objects.all().refresh_film_counts()
    people = get(client, "/search/people/", q="figgis")["results"]

    assert [(p["name"], p["film_count"]) for p in people] == [("Mike Figgis", 4)]
    found = [p["name"] for p in get(client, "/search/people/", q="j")["results"]]
    assert found[0] == "Julian Sands"  # in two films
    assert sorted(found[1:]) == ["Jean-Pierre Jeunet", "John O'Brien", "John Travolta", "John Woo"]


def test_a_query_of_nothing_searchable_finds_nothing(client, catalog):
    assert get(client, "/search/films/", q="!!!")["count"] == 0


def test_a_query_is_required(client, catalog):
    for params in ({}, {"q": ""}):
        answer = get(client, "/search/films/", 422, **params)
        assert answer["errors"][0]["parameter"] == "q"
    assert get(client, "/search/people/", 422, q="x" * 1001)["errors"][0]["parameter"] == "q"


def test_a_search_costs_a_fixed_number_of_queries(client, catalog, django_assert_num_queries):
    for n in range(29):
        make_film(title=f"Night Train {n}", genres=["Drama"])
    # A look for any match (else near spellings), the count and the page of matches, and
    # for films the page's genres.
    for size in (1, 50):
        with django_assert_num_queries(4):
            get(client, "/search/films/", q="night", page_size=size)
        with django_assert_num_queries(3):
            get(client, "/search/people/", q="john", page_size=size)
