"""/api/v1/people/<id>/, /api/v1/genres/ and /api/v1/themes/."""

from films.catalog.models import Person
from pages.facets import catalog_counts
from tests.api.conftest import get
from tests.conftest import make_film


def test_a_person_has_every_credit_newest_film_first(client, catalog):
    Person.objects.all().refresh_film_counts()
    figgis = Person.objects.get(name="Mike Figgis")

    person = get(client, f"/people/{figgis.pk}/")

    assert (person["id"], person["name"], person["film_count"]) == (figgis.pk, "Mike Figgis", 4)
    assert person["external_id"] is None  # the catalog named him without an id
    assert person["url"] == f"http://testserver{figgis.get_absolute_url()}"
    credits = [(c["film"]["title"], c["role"]) for c in person["credits"]]
    assert credits == [
        ("Timecode", "director"),
        ("One Night Stand", "director"),
        ("Leaving Las Vegas", "director"),
        ("Leaving Las Vegas", "writer"),
        ("Liebestraum", "director"),
        ("Liebestraum", "writer"),
    ]
    timecode = person["credits"][0]["film"]
    assert timecode["id"] == catalog.timecode.pk
    assert timecode["external_id"] == "wikidata:Q1637593"


def test_an_actor_keeps_their_character(client, db):
    film = make_film(title="Ran", cast=["Tatsuya Nakadai"])
    film.credits.update(character="Hidetora Ichimonji")
    nakadai = Person.objects.get(name="Tatsuya Nakadai")

    [credit] = get(client, f"/people/{nakadai.pk}/")["credits"]

    assert credit == {
        "role": "actor",
        "character": "Hidetora Ichimonji",
        "film": {
            "id": film.pk,
            "external_id": film.external_id,
            "title": "Ran",
            "year": 2000,
            "url": f"http://testserver{film.get_absolute_url()}",
        },
    }


def test_an_unknown_person_is_a_404_in_json(client, db):
    assert get(client, "/people/12345/", 404)["message"] == "Nobody has the id 12345."


def test_a_person_costs_two_queries_whatever_their_films(
    client, catalog, django_assert_num_queries
):
    # The person, their credits with their films.
    for name in ("Mike Figgis", "Audrey Tautou"):
        person = Person.objects.get(name=name)
        with django_assert_num_queries(2):
            get(client, f"/people/{person.pk}/")


def test_genres_come_with_their_number_of_films_the_most_first(client, catalog):
    genres = get(client, "/genres/")

    counted = [(g["slug"], g["film_count"]) for g in genres["results"]]
    assert counted[:2] == [("drama", 3), ("romance", 3)]
    assert dict(counted) == {
        "drama": 3,
        "romance": 3,
        "thriller": 2,
        "action": 1,
        "comedy": 1,
        "mystery": 1,
    }
    assert genres["count"] == 6
    assert genres["results"][0] == {"slug": "drama", "name": "Drama", "names": {}, "film_count": 3}
    second = get(client, "/genres/", page_size=4, page=2)
    assert [g["slug"] for g in second["results"]] == [slug for slug, _ in counted[4:]]


def test_themes_come_with_their_number_of_films_by_page(client, catalog):
    themes = get(client, "/themes/", page_size=1)

    assert themes["count"] == 2 and themes["pages"] == 2
    assert themes["results"] == [
        {"slug": "alcoholism", "name": "Alcoholism", "names": {}, "film_count": 2}
    ]
    assert get(client, "/themes/", page=2, page_size=1)["results"][0]["slug"] == "prostitution"


def test_genres_and_themes_cost_a_fixed_number_of_queries(
    client, catalog, django_assert_num_queries
):
    catalog_counts()  # counted once per version of the catalog, then from the cache
    for size in (1, 100):
        with django_assert_num_queries(1):  # the page's genres
            get(client, "/genres/", page_size=size)
        with django_assert_num_queries(2):  # the count, the page
            get(client, "/themes/", page_size=size)
