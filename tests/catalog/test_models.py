"""The film models: what the database refuses, and what a film shows of itself."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import resolve, reverse, set_script_prefix
from django.utils import translation

from films.catalog.models import Credit, Film, Person
from tests.conftest import make_person


def assert_rejected(create):
    """The database refuses the row; the test's transaction stays usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


# --- Database constraints ---------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"year": 1869},
        {"year": 2101},
        {"runtime": 0},
        {"runtime": -5},
        {"catalog_rating_average": Decimal("5.01")},
        {"catalog_rating_average": Decimal("-0.5")},
        {"rating_average": Decimal("5.50")},
    ],
    ids=lambda fields: "-".join(f"{k}={v}" for k, v in fields.items()),
)
def test_it_rejects_an_impossible_film(film_factory, fields):
    assert_rejected(lambda: film_factory(**fields))

    assert Film.objects.count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"year": 1870},
        {"year": 2100},
        {"year": None},
        {"runtime": 1},
        {"runtime": None},
        {"catalog_rating_average": Decimal("0")},
        {"catalog_rating_average": Decimal("5")},
        {"rating_average": Decimal("5.00")},
    ],
    ids=lambda fields: "-".join(f"{k}={v}" for k, v in fields.items()),
)
def test_it_accepts_a_film_at_the_limits(film_factory, fields):
    film_factory(**fields)

    assert Film.objects.count() == 1


def test_it_rejects_a_second_film_with_the_same_external_id(film_factory):
    film_factory(title="Ran", external_id="wikidata:Q1151119")

    assert_rejected(lambda: film_factory(title="Ran (copy)", external_id="wikidata:Q1151119"))

    assert list(Film.objects.values_list("title", flat=True)) == ["Ran"]


def test_it_rejects_the_same_person_twice_in_one_role_of_a_film(film_factory, person_factory):
    film = film_factory(directors=["Akira Kurosawa"])
    kurosawa = person_factory("Akira Kurosawa")

    assert_rejected(
        lambda: Credit.objects.create(film=film, person=kurosawa, role=Credit.Role.DIRECTOR)
    )

    Credit.objects.create(film=film, person=kurosawa, role=Credit.Role.WRITER)
    assert sorted(kurosawa.credits.values_list("role", flat=True)) == [
        Credit.Role.DIRECTOR,
        Credit.Role.WRITER,
    ]


@pytest.mark.parametrize("second_id", [None, ""], ids=["null", "empty string"])
def test_it_rejects_two_people_with_the_same_name_and_no_external_id(db, second_id):
    Person.objects.create(name="John Smith")

    assert_rejected(lambda: Person.objects.create(name="John Smith", external_id=second_id))

    assert Person.objects.count() == 1


def test_it_accepts_people_with_the_same_name_and_distinct_external_ids(db):
    Person.objects.create(name="John Smith")
    Person.objects.create(name="John Smith", external_id="wikidata:Q1")
    Person.objects.create(name="John Smith", external_id="wikidata:Q2")

    assert Person.objects.filter(name="John Smith").count() == 3
    assert set(Person.objects.values_list("external_id", flat=True)) == {
        None,
        "wikidata:Q1",
        "wikidata:Q2",
    }


def test_it_rejects_two_people_with_the_same_external_id(db):
    Person.objects.create(name="John Smith", external_id="wikidata:Q1")

    assert_rejected(lambda: Person.objects.create(name="Jon Smith", external_id="wikidata:Q1"))


# --- What a film shows ------------------------------------------------------------------


@pytest.mark.parametrize(
    "runtime, shown",
    [(112, "1h52"), (45, "45 min"), (120, "2h00"), (60, "1h00"), (61, "1h01"), (None, "")],
)
def test_it_shows_the_duration_in_hours_and_minutes(runtime, shown):
    assert Film(title="A Film", runtime=runtime).duration_display == shown


def test_its_url_is_its_slug_and_pk(film_factory):
    film = film_factory(title="Leaving Las Vegas")

    assert film.get_absolute_url() == f"/film/leaving-las-vegas-{film.pk}/"
    match = resolve(film.get_absolute_url())
    assert (match.view_name, match.kwargs) == (
        "films:detail",
        {"slug": "leaving-las-vegas", "pk": film.pk},
    )


@pytest.mark.parametrize("language, prefix", [("en", "/"), ("fr", "/"), ("fr", "/site/")])
def test_every_catalog_page_url_is_what_django_reverses(film_factory, language, prefix):
    """Links are filled into a pattern reversed once per language and prefix."""
    film = film_factory(
        title="Leaving Las Vegas", genres=["Drama"], themes=["Alcoholism"], countries=["US"]
    )
    person = make_person("Nicolas Cage")
    set_script_prefix(prefix)
    try:
        with translation.override(language):
            urls = [
                (obj.get_absolute_url(), reverse(name, kwargs=kwargs))
                for obj, name, kwargs in [
                    (film, "films:detail", {"slug": film.slug, "pk": film.pk}),
                    (person, "films:person", {"slug": person.slug, "pk": person.pk}),
                    (film.genres.get(), "films:genre", {"slug": "drama"}),
                    (film.themes.get(), "films:theme", {"slug": "alcoholism"}),
                    (film.countries.get(), "films:country", {"code": "us"}),
                ]
            ]
    finally:
        set_script_prefix("/")

    start = prefix + ("fr/" if language == "fr" else "")
    assert all(url == reversed_url and url.startswith(start) for url, reversed_url in urls)
    assert urls[0][0] == f"{start}film/leaving-las-vegas-{film.pk}/"


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Amélie", "amelie"),
        ("Seven Samurai", "seven-samurai"),
        ("七人の侍", "film"),
        ("Брат", "film"),
        ("?!", "film"),
    ],
)
def test_its_slug_is_ascii_with_a_fallback_for_other_scripts(film_factory, title, slug):
    film = film_factory(title=title)

    assert film.slug == slug
    assert film.get_absolute_url() == f"/film/{slug}-{film.pk}/"
    assert resolve(film.get_absolute_url()).kwargs == {"slug": slug, "pk": film.pk}


def test_it_keeps_a_slug_it_was_given(film_factory):
    assert film_factory(title="Ran", slug="ran-1985").slug == "ran-1985"


def test_a_person_gets_a_slug_and_no_empty_external_id(db):
    person = Person.objects.create(name="Agnès Varda", external_id="")

    person.refresh_from_db()
    assert (person.slug, person.external_id) == ("agnes-varda", None)


@pytest.mark.parametrize("year, shown", [(1985, "Ran (1985)"), (None, "Ran")])
def test_a_film_reads_as_its_title_and_year(year, shown):
    assert str(Film(title="Ran", year=year)) == shown
