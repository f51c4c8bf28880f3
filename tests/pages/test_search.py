"""Search: one box finding films (title, original title) and people (name), best first,
its paginated sections and the as-you-type suggestions."""

import pytest
from django.urls import reverse
from django.utils import translation

from films.catalog.models import Film, Person
from films.catalog.ratings import apply_combined_rating
from films.catalog.text import searchable
from pages.facets import catalog_facets
from pages.search import search_films
from tests.conftest import make_film
from tests.html import HtmlElement, card_titles, find, links, page, text, texts

# Whitenoise warns that collectstatic has not been run; pages need no static files here.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

# --- Helpers for this page --------------------------------------------------------------


def search(client, q, **params) -> HtmlElement:
    return page(client.get(reverse("films:search"), {"q": q, **params}))


def section(doc: HtmlElement, heading_id: str) -> HtmlElement:
    return find(doc, f'section[aria-labelledby="{heading_id}"]')


def film_results(doc: HtmlElement) -> list[str]:
    return card_titles(section(doc, "films-heading"))


def people_results(doc: HtmlElement) -> list[str]:
    """People as listed: "Nicolas Cage (3 films)"."""
    return texts(section(doc, "people-heading"), "li")


def make_people_with_films(counts: dict[str, int]) -> None:
    """Each person credited on that many films, and their film_count up to date."""
    for name, n in counts.items():
        for i in range(n):
            make_film(title=f"Untitled {name} {i}", cast=[name])
    Person.objects.refresh_film_counts()


# --- What a search finds ----------------------------------------------------------------


def test_it_finds_films_by_title_or_original_title_and_people_by_name(client, db):
    make_film(
        title="The Lives of Others",
        original_title="Das Leben der Anderen",
        year=2006,
        directors=["Florian Henckel von Donnersmarck"],
    )
    make_film(title="Heat", year=1995, synopsis="The lives of others: not searched.")
    Person.objects.refresh_film_counts()

    by_title = search(client, "lives of others")
    assert film_results(by_title) == ["The Lives of Others (2006)"]
    assert people_results(by_title) == []
    assert texts(section(by_title, "people-heading"), "p") == ["Nobody matches “lives of others”."]

    assert film_results(search(client, "leben der anderen")) == ["The Lives of Others (2006)"]

    by_name = search(client, "donnersmarck")
    assert film_results(by_name) == []
    assert texts(section(by_name, "films-heading"), "p") == ["No film matches “donnersmarck”."]
    assert people_results(by_name) == ["Florian Henckel von Donnersmarck (1 film)"]


@pytest.mark.parametrize(
    "query", ["celine sciamma", "CÉLINE SCIAMMA", "Celine Sciamma", "sciamma céline"]
)
def test_people_are_found_whatever_the_case_and_accents(client, db, query):
    make_film(title="Portrait of a Lady on Fire", year=2019, directors=["Céline Sciamma"])
    Person.objects.refresh_film_counts()

    assert people_results(search(client, query)) == ["Céline Sciamma (1 film)"]


@pytest.mark.parametrize("query", ["amelie", "AMÉLIE", "Amèlie", "amélie!"])
def test_films_are_found_whatever_the_case_and_accents(client, db, query):
    make_film(title="Amélie", original_title="Le Fabuleux Destin d'Amélie Poulain", year=2001)

    assert film_results(search(client, query)) == ["Amélie (2001)"]


def test_films_rank_exact_then_prefix_then_word_then_partial_matches_then_most_rated(client, db):
    for title, year, votes in [
        ("Wheat", 2010, 9000),  # partial
        ("The Heat", 2013, 5000),  # a whole word
        ("Heat Wave", 1990, 100),  # starts with the query
        ("Heatwave", 1983, 300),  # starts with the query, better known
        ("Heat", 1986, 10),  # exact
        ("Heat", 1995, 800),  # exact, better known
        ("Cold", 2000, 99999),  # no match
    ]:
        make_film(title=title, year=year, rating_count=votes)

    assert film_results(search(client, "heat")) == [
        "Heat (1995)",
        "Heat (1986)",
        "The Heat (2013)",  # the query after a leading article: exact but for it
        "Heatwave (1983)",
        "Heat Wave (1990)",
        "Wheat (2010)",
    ]


def test_people_rank_exact_then_prefix_then_word_then_partial_matches_then_most_credited(
    client, db
):
    make_people_with_films(
        {
            "Ronicolas Smith": 9,  # partial
            "Jean-Nicolas Martin": 7,  # a whole word
            "Nicolas Winding Refn": 2,  # starts with the query
            "Nicolas Cage": 3,  # starts with the query, more films
            "Nicolas": 1,  # exact
            "Nicole Kidman": 20,  # no match
        }
    )

    assert people_results(search(client, "Nicolas")) == [
        "Nicolas (1 film)",
        "Nicolas Cage (3 films)",
        "Nicolas Winding Refn (2 films)",
        "Jean-Nicolas Martin (7 films)",
        "Ronicolas Smith (9 films)",
    ]


def test_an_exact_original_title_counts_as_an_exact_match(client, db):
    make_film(title="La Femme Nikita", original_title="Nikita", year=1990, rating_count=9000)
    make_film(title="Nikita Kozhemyaka", year=1965, rating_count=3)

    # Expected: both are exact or prefix matches of "nikita"... and La Femme Nikita,
    # whose original title is exactly the query, comes first. Actual: it ranks as a word
    # match (2) below the obscure prefix match (1).
    assert film_results(search(client, "nikita")) == [
        "La Femme Nikita (1990)",
        "Nikita Kozhemyaka (1965)",
    ]


@pytest.mark.parametrize("first", [None, 11])
def test_of_a_franchise_the_best_known_and_liked_comes_before_the_most_reviewed(db, first):
    # Made-up figures shaped as a franchise's often are: the newer films have more
    # reviews (online), the classic better ones.
    for title, year, count, average in [
        ("Space Saga: Episode I", 1999, 290, 3.1),
        ("Space Saga: Episode II", 2002, 323, 3.3),
        ("Space Saga: Episode III", 2005, 335, 3.7),
        ("Space Saga: Episode IV", 1977, 206, 4.5),
        ("Space Saga: Episode V", 1980, 174, 4.4),
    ]:
        film = make_film(
            title=title, year=year, catalog_rating_average=average, catalog_rating_count=count
        )
        apply_combined_rating(film)
        film.save()
    for n in range(8):  # enough titles starting with the query for the fast path
        make_film(title=f"Space Saga fan film {n}", year=2010)

    found = [film.title for film in search_films("space saga", first=first)][:3]

    assert found == ["Space Saga: Episode IV", "Space Saga: Episode V", "Space Saga: Episode III"]


def test_when_enough_titles_start_with_the_query_the_best_known_of_them_come_first(client, db):
    for i in range(1, 13):
        make_film(title=f"Night Shift {i:02d}", year=2000, rating_count=100 - i)
    make_film(title="Night", year=1990, rating_count=1)  # exact: first, however little rated
    make_film(title="The Night", year=2020, rating_count=2)  # exact after its article: next
    make_film(title="La Nuit", original_title="Night Train", year=1995, rating_count=1000)
    make_film(title="The Night Of", year=2016, rating_count=99999)  # a word: after them all
    make_film(title="Knightfall", year=2010, rating_count=99999)  # inside a word

    assert film_results(search(client, "night")) == [
        "Night (1990)",
        "The Night (2020)",
        "La Nuit (1995)",
        *(f"Night Shift {i:02d} (2000)" for i in range(1, 8)),
    ]
    assert card_titles(search(client, "night", type="films"))[10:] == [
        "Night Shift 08 (2000)",
        "Night Shift 09 (2000)",
        "Night Shift 10 (2000)",
        "Night Shift 11 (2000)",
        "Night Shift 12 (2000)",
        "The Night Of (2016)",
        "Knightfall (2010)",
    ]


def test_a_title_that_is_the_query_after_an_article_comes_before_longer_ones(client, db):
    make_film(title="Batman: The Dark Knight Returns, Part 1", year=2012, rating_count=6)
    make_film(title="The Dark Knight Rises", year=2012, rating_count=376)
    make_film(title="The Dark Knight", year=2008, rating_count=0)  # no rating in the catalog

    assert film_results(search(client, "dark knight"))[0] == "The Dark Knight (2008)"
    assert card_titles(search(client, "dark knight", type="films"))[0] == "The Dark Knight (2008)"


def test_up_to_three_letters_only_find_the_start_of_a_word(client, db):
    make_people_with_films({"Ed Harris": 2, "Fred Ward": 5, "Edward Norton": 3})

    assert people_results(search(client, "ed")) == [
        "Edward Norton (3 films)",
        "Ed Harris (2 films)",
    ]
    assert people_results(search(client, "war")) == ["Fred Ward (5 films)"]
    assert people_results(search(client, "ward")) == [
        "Fred Ward (5 films)",
        "Edward Norton (3 films)",
    ]


# On PostgreSQL by pg_trgm, on SQLite (the embedded default) by RapidFuzz.
def test_a_misspelled_query_still_finds_the_person_and_the_film(client, db):
    make_film(title="Leaving Las Vegas", year=1995, cast=["Nicolas Cage", "Elisabeth Shue"])
    make_film(title="The Godfather", year=1972)
    make_people_with_films({"Nicole Kidman": 2})

    assert people_results(search(client, "nicholas cage")) == ["Nicolas Cage (1 film)"]
    assert film_results(search(client, "leaving las vagas")) == ["Leaving Las Vegas (1995)"]
    assert film_results(search(client, "godfathr")) == ["The Godfather (1972)"]


def test_a_misspelled_title_finds_the_best_known_of_its_near_spellings(client, db):
    make_film(title="The Godfather", year=1972, rating_count=1000, rating_rank=4.5)
    make_film(title="3 Godfathers", year=1948, rating_count=20, rating_rank=3.5)
    make_film(title="Water", year=2005, rating_count=10)

    # Water is most of "godfater", and 3 Godfathers is spelt a point closer than The
    # Godfather, which is far better known.
    assert film_results(search(client, "godfater")) == [
        "The Godfather (1972)",
        "3 Godfathers (1948)",
    ]


def test_a_query_that_finds_someone_does_not_fill_the_films_with_look_alike_titles(client, db):
    make_film(title="Vertigo", year=1958, cast=["Kim Novak"])
    make_film(title="Kim Novack", year=2001)
    Person.objects.refresh_film_counts()

    doc = search(client, "kim novak")

    assert people_results(doc) == ["Kim Novak (1 film)"]
    assert film_results(doc) == []
    assert "No film matches “kim novak”." in text(section(doc, "films-heading"))
    suggested = client.get(reverse("films:suggest"), {"q": "kim novak"}).json()["results"]
    assert [r["label"] for r in suggested] == ["Kim Novak"]


# --- Queries that are not really queries --------------------------------------------------


def test_an_empty_query_asks_for_a_title_or_a_name(client, db):
    make_film(title="Heat", year=1995)

    for params in ({"q": ""}, {"q": "   "}, {}):
        doc = page(client.get(reverse("films:search"), params))
        assert text(doc, "h1") == "Search"
        assert "Type a film title or a person’s name in the search box." in texts(doc, "p")
        assert card_titles(doc) == []


@pytest.mark.parametrize("query", ["%", "_", "%%__\\\\", "'; --", "!!! ??? ***", "\x00", "🎬🍿"])
def test_a_query_of_symbols_says_there_is_nothing_to_search_for(client, db, query):
    make_film(title="Heat", year=1995, cast=["Al Pacino"])

    doc = search(client, query)

    # As a browser reads it (the HTML parsing standard): a NUL character shows as U+FFFD.
    shown = query.strip().replace("\x00", "\ufffd")
    assert f"“{shown}” has no letters or digits to search for. Try a title or a name." in (
        texts(doc, "p")
    )
    assert card_titles(doc) == []


def test_sql_in_a_query_is_searched_as_words(client, db):
    make_film(title="Heat", year=1995, cast=["Al Pacino"])

    doc = search(client, "'; DROP TABLE films_film; --")

    assert film_results(doc) == [] and people_results(doc) == []
    assert Film.objects.count() == 1


def test_markup_in_a_query_is_shown_as_text(client, db):
    make_film(title="Script Alert 1", year=2001)

    doc = search(client, "<script>alert(1)</script>")

    assert text(doc, "h1") == "Search results for “<script>alert(1)</script>”"
    assert [s for s in texts(doc, "script") if "alert" in s] == []
    assert people_results(doc) == []
    assert texts(section(doc, "people-heading"), "p") == [
        "Nobody matches “<script>alert(1)</script>”."
    ]


def test_a_query_of_a_thousand_characters_searches_its_beginning(client, db):
    make_film(title="Leaving Las Vegas", year=1995, cast=["Nicolas Cage"])
    Person.objects.refresh_film_counts()
    query = ("Nicolas Cage " * 77)[:1000]

    doc = search(client, query)

    assert text(doc, "h1") == f"Search results for “{query[:79]}…”"
    assert people_results(doc) == ["Nicolas Cage (1 film)"]

    nothing = search(client, "x" * 1000)
    assert film_results(nothing) == [] and people_results(nothing) == []


# --- Sections and pages -------------------------------------------------------------------


@pytest.fixture
def nights(db):
    """25 films and 12 people matching "night", rated or credited in order."""
    for i in range(1, 26):
        make_film(title=f"Night {i:02d}", year=2000, rating_count=100 - i)
    for i in range(1, 13):
        make_film(title=f"Credits {i:02d}", cast=[f"Knight {i:02d}"], rating_count=0)
    Person.objects.refresh_film_counts()


def test_each_section_shows_the_ten_best_matches_and_links_to_all_of_them(client, nights):
    doc = search(client, "night")

    assert film_results(doc) == [f"Night {i:02d} (2000)" for i in range(1, 11)]
    assert ("All films matching “night”", "?q=night&type=films") in links(
        section(doc, "films-heading")
    )
    assert people_results(doc) == [f"Knight {i:02d} (1 film)" for i in range(1, 11)]
    assert ("All people matching “night”", "?q=night&type=people") in links(
        section(doc, "people-heading")
    )


def test_all_the_films_matching_are_paginated(client, nights):
    first = search(client, "night", type="films")
    assert text(first, "h2#results-heading") == "Films (25)"
    assert card_titles(first) == [f"Night {i:02d} (2000)" for i in range(1, 21)]
    assert links(first, "nav.pagination") == [("Next", "?q=night&type=films&page=2")]

    second = search(client, "night", type="films", page="2")
    assert card_titles(second) == [f"Night {i:02d} (2000)" for i in range(21, 26)]
    assert text(find(second, "nav.pagination"), 'span[aria-current="page"]') == ("Page 2 of 2")
    assert ("Back to all results", "?q=night") in links(second)


def test_all_the_people_matching_are_listed_with_their_links(client, nights):
    doc = search(client, "night", type="people")

    assert text(doc, "h2#results-heading") == "People (12)"
    people = find(doc, "ol.people-list")
    assert texts(people, "li") == [f"Knight {i:02d} (1 film)" for i in range(1, 13)]
    knight = Person.objects.get(name="Knight 01")
    assert links(people)[0] == ("Knight 01", knight.get_absolute_url())


@pytest.mark.parametrize("number", ["0", "3", "999", "abc", "-1", "", "1.5"])
def test_a_page_that_is_not_a_page_is_not_found(client, nights, number):
    response = client.get(reverse("films:search"), {"q": "night", "type": "films", "page": number})

    assert response.status_code == 404


def test_a_page_number_in_superscript_is_not_found(client, nights):
    response = client.get(reverse("films:search"), {"q": "night", "type": "films", "page": "²"})

    assert response.status_code == 404


# --- As you type -------------------------------------------------------------------------


def test_suggestions_as_you_type_are_five_films_then_five_people(client, db):
    for i in range(1, 8):
        make_film(title=f"Cage {i}", year=1990 + i, rating_count=i)
    make_film(title="Untitled", cast=["Nicolas Cage"])
    Person.objects.refresh_film_counts()

    response = client.get(reverse("films:suggest"), {"q": "cag"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    url = {film.title: film.get_absolute_url() for film in Film.objects.all()}
    cage = Person.objects.get(name="Nicolas Cage")
    assert response.json() == {
        "query": "cag",
        "results": [
            *(
                {
                    "type": "film",
                    "kind": "Film",
                    "label": f"Cage {n} ({1990 + n})",
                    "url": url[f"Cage {n}"],
                }
                for n in range(7, 2, -1)
            ),
            {
                "type": "person",
                "kind": "Person",
                "label": "Nicolas Cage",
                "url": cage.get_absolute_url(),
            },
        ],
        "status": "6 suggestions, use up and down arrows to choose.",
    }


def test_suggestions_are_labelled_and_announced_in_the_pages_language(client, db):
    make_film(title="Cage", year=1990, cast=["Nicolas Cage"])
    Person.objects.refresh_film_counts()
    with translation.override("fr"):
        url = reverse("films:suggest")

    found = client.get(url, {"q": "cage"}).json()
    nothing = client.get(url, {"q": "zzzz"}).json()

    assert [r["kind"] for r in found["results"]] == ["Film", "Personne"]
    assert found["status"] == "2 suggestions, utilisez les flèches haut et bas pour choisir."
    assert nothing["status"] == "Aucune suggestion."


@pytest.mark.parametrize("query", ["", "%_!", "\x00", "x" * 1000])
def test_suggestions_for_nothing_searchable_are_an_empty_list(client, db, query):
    make_film(title="Heat", year=1995, cast=["Al Pacino"])

    response = client.get(reverse("films:suggest"), {"q": query})

    assert response.status_code == 200
    assert response.json() == {"query": query, "results": [], "status": "No suggestions."}


# --- Query budgets ----------------------------------------------------------------------


def make_search_catalog(n: int) -> None:
    """n films titled "Vertigo ..." and n people named "Vertigo ...", with everything a
    card shows."""
    for i in range(n):
        make_film(
            title=f"Vertigo {i}",
            genres=["Thriller", "Mystery"],
            themes=["Obsession"],
            countries=["US"],
            directors=[f"Vertigo Director {i}"],
            cast=["James Stewart", "Kim Novak"],
        )
    Person.objects.refresh_film_counts()


@pytest.mark.parametrize("n", [1, 15])
def test_the_search_page_makes_as_many_queries_for_one_result_as_for_many(
    client, db, django_assert_num_queries, n
):
    make_search_catalog(n)

    catalog_facets()  # read once per version of the catalog (the footer's themes link)

    # Films whose title starts with the query (11 at most, from an index), then the films
    # matching: those 11 when there are as many, else all that match; the cards' facts
    # (genres, themes, countries and credits with their people, in one statement); people,
    # as films. Near spellings are only looked for (PostgreSQL) when nothing matches.
    with django_assert_num_queries(5):
        doc = search(client, "vertigo")

    assert len(film_results(doc)) == min(n, 10)


@pytest.mark.parametrize("n", [1, 30])
def test_a_page_of_films_found_makes_as_many_queries_for_one_result_as_for_many(
    client, db, django_assert_num_queries, n
):
    make_search_catalog(n)

    catalog_facets()  # read once per version of the catalog (the footer's themes link)

    # Whether any film matches (else near spellings), the films counted, the page of films,
    # their cards' facts (genres, themes, countries and credits with their people, in one
    # statement).
    with django_assert_num_queries(4):
        doc = search(client, "vertigo", type="films")

    assert len(card_titles(doc)) == min(n, 20)


@pytest.mark.parametrize("n", [1, 15])
def test_suggestions_make_one_query_for_films_and_one_for_people(
    client, db, django_assert_num_queries, n
):
    make_search_catalog(n)

    # Films, then people, each in two queries as on the search page (near spellings only
    # when nothing matches).
    with django_assert_num_queries(4):
        response = client.get(reverse("films:suggest"), {"q": "vertigo"})

    assert len(response.json()["results"]) == 2 * min(n, 5)


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Amélie!", "amelie"),
        ("Ærø Łódź", "aero lodz"),
        ("O'Brien_Jr.\t--  2001:", "o brien jr 2001"),  # ASCII, the quick path
        ("  Leaving   Las Vegas ", "leaving las vegas"),
        ("L'Été", "l ete"),
        ("", ""),
    ],
)
def test_titles_and_names_are_stored_folded_for_search(text, folded):
    assert searchable(text) == folded


@pytest.mark.parametrize("first", [None, 11])
def test_a_film_is_found_by_its_title_in_another_language(db, first):
    make_film(title="The Godfather", titles={"fr": "Le Parrain", "de": "Der Pate"})
    make_film(title="The Godfather Part II", titles={"fr": "Le Parrain, 2e partie"})
    make_film(title="Parrain", year=1990)

    found = [film.title for film in search_films("le parrain", first=first)]

    assert found[:2] == ["The Godfather", "The Godfather Part II"]
    assert [film.title for film in search_films("der pate", first=first)] == ["The Godfather"]
