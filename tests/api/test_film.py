"""/api/v1/films/<id>/ and /api/v1/films/<id>/similar/: a film with its exact counts, and
its similar films with why, as similar.json gives them."""

from recommendations.models import FilmRecommendations
from tests.api.conftest import get
from tests.conftest import make_film


def test_a_film_has_both_ids_its_facts_and_its_people(client, catalog):
    film = get(client, f"/films/{catalog.vegas.pk}/")

    assert film["id"] == catalog.vegas.pk
    assert film["external_id"] == "wikidata:Q132910"
    assert (film["title"], film["year"], film["runtime"]) == ("Leaving Las Vegas", 1995, 111)
    assert [g["name"] for g in film["genres"]] == ["Drama", "Romance"]
    assert [t["slug"] for t in film["themes"]] == ["alcoholism", "prostitution"]
    assert film["countries"] == [{"code": "US", "name": "US"}]
    assert [p["name"] for p in film["directors"]] == ["Mike Figgis"]
    assert [p["name"] for p in film["writers"]] == ["Mike Figgis", "John O'Brien"]
    cast = [credit["person"]["name"] for credit in film["cast"]]
    assert cast == ["Nicolas Cage", "Elisabeth Shue", "Julian Sands"]
    figgis = film["directors"][0]
    assert figgis["url"] == f"http://testserver/person/mike-figgis-{figgis['id']}/"
    assert film["links"] == {"imdb": "tt0113627"}
    assert film["rating"] == {"average": 3.8, "count": 53, "votes": 0}


def test_a_film_has_the_exact_counts_and_its_similar_films_with_why(client, catalog):
    film = get(client, f"/films/{catalog.vegas.pk}/")

    record = FilmRecommendations.objects.get(film=catalog.vegas)
    assert film["counts"] == {
        "actors": record.actors_count,
        "directors": record.directors_count,
        "genres": record.genres_count,
        "same_genres": record.same_genres_count,
        "themes": record.themes_count,
        "same_themes": record.same_themes_count,
        "suggestions": record.suggestions_count,
    }
    assert film["counts"]["directors"] == 3  # Timecode, One Night Stand, Liebestraum
    similar = {s["title"]: s for s in film["similar"]}
    one_night = similar["One Night Stand"]
    assert one_night["id"] == catalog.one_night.pk
    assert one_night["external_id"] == "wikidata:Q1973318"
    assert one_night["reasons"]["directors"] == ["Mike Figgis"]
    assert one_night["reasons"]["themes"] == ["Alcoholism"]
    assert one_night["reasons"]["same_genres"] is True
    assert similar["Timecode"]["reasons"]["actors"] == ["Julian Sands"]
    assert similar["Liebestraum"]["reasons"]["writers"] == ["Mike Figgis"]
    assert [s["id"] for s in film["similar"]] == [s["id"] for s in record.suggestions][:10]


def test_the_similar_films_are_those_of_similar_json(client, catalog):
    vegas = catalog.vegas
    api = get(client, f"/films/{vegas.pk}/similar/", page_size=100)
    page = client.get(f"/film/{vegas.slug}-{vegas.pk}/similar.json").json()

    assert api["film"] == vegas.pk
    assert api["counts"] == page["counts"]
    assert [
        {k: v for k, v in s.items() if k in ("external_id", "title", "year", "score")}
        for s in api["results"]
    ] == [
        {"external_id": s["id"], "title": s["title"], "year": s["year"], "score": s["score"]}
        for s in page["suggestions"]
    ]
    for ours, theirs in zip(api["results"], page["suggestions"], strict=True):
        assert {k: v for k, v in ours["reasons"].items() if v} == theirs["reasons"]


def test_the_similar_films_come_by_page(client, catalog):
    every = get(client, f"/films/{catalog.vegas.pk}/similar/", page_size=100)["results"]
    first = get(client, f"/films/{catalog.vegas.pk}/similar/", page_size=2)
    second = get(client, f"/films/{catalog.vegas.pk}/similar/", page_size=2, page=2)

    assert len(every) >= 3
    assert first["count"] == len(every)
    assert first["results"] + second["results"] == every[:4]


def test_a_film_not_built_yet_has_null_counts_and_no_similar_films(client, catalog):
    new = make_film(title="Miss Julie", year=1999, directors=["Mike Figgis"])

    film = get(client, f"/films/{new.pk}/")
    similar = get(client, f"/films/{new.pk}/similar/")

    assert set(film["counts"].values()) == {None}
    assert film["similar"] == []
    assert (similar["count"], similar["results"]) == (0, [])


def test_an_unknown_film_is_a_404_in_json(client, catalog):
    assert get(client, "/films/999999/", 404) == {
        "message": "No film has the id 999999.",
        "errors": [],
    }
    assert get(client, "/films/999999/similar/", 404)["message"] == "No film has the id 999999."
    # Larger than any database's integer: still no film, not a 500.
    assert get(client, f"/films/{10**30}/", 404)["message"].startswith("No film has the id")
    assert get(client, "/films/not-a-number/", 404)["message"].startswith("No such address")


def test_a_film_costs_three_queries_whatever_it_shows(client, catalog, django_assert_num_queries):
    # The film with its suggestions, its relations in one statement, the films suggested
    # (none to read for a film with no suggestion).
    with django_assert_num_queries(2):
        get(client, f"/films/{catalog.bare[0].pk}/")
    for film in (catalog.vegas, catalog.timecode):
        with django_assert_num_queries(3):
            get(client, f"/films/{film.pk}/")
    # The same for the similar films, by page: the film, the films suggested, its relations.
    for size in (1, 100):
        with django_assert_num_queries(3):
            get(client, f"/films/{catalog.vegas.pk}/similar/", page_size=size)
