"""The films admin: the changelists, search, filters, the film form and autocomplete."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from films.catalog.models import Credit, Film, Language, Person
from films.community.models import Vote
from films.community.services import vote_submit
from films.community.visitors import Visitor

# Whitenoise warns that collectstatic has not been run; the admin tests need no static files.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


@pytest.fixture
def catalog(film_factory):
    """Three films of different decades, with people, genres, countries and a language."""
    vegas = film_factory(
        title="Leaving Las Vegas",
        external_id="wikidata:Q1056853",
        year=1995,
        genres=["Drama", "Romance"],
        themes=["Alcoholism"],
        countries=["US"],
        directors=["Mike Figgis"],
        cast=["Nicolas Cage", "Elisabeth Shue"],
    )
    vegas.credits.filter(person__name="Nicolas Cage").update(character="Ben Sanderson")
    vegas.languages.add(Language.objects.create(code="en", name="English"))
    film_factory(
        title="Ran",
        year=1985,
        genres=["Drama", "War"],
        themes=["Betrayal"],
        countries=["JP"],
        directors=["Akira Kurosawa"],
        cast=["Tatsuya Nakadai"],
    )
    film_factory(
        title="His Girl Friday",
        year=1940,
        genres=["Comedy"],
        directors=["Howard Hawks"],
        cast=["Cary Grant"],
    )
    return vegas


def changelist_rows(response) -> list[str]:
    return [str(row) for row in response.context["cl"].result_list]


# Each model's changelist, and a row it shows.
CHANGELISTS = {
    "film": "Leaving Las Vegas",
    "person": "Akira Kurosawa",
    "credit": "Ben Sanderson",
    "genre": "Romance",
    "theme": "Alcoholism",
    "country": "JP",
    "language": "English",
}


@pytest.mark.parametrize("model, shown", CHANGELISTS.items())
def test_each_changelist_shows_its_rows(admin_client, catalog, model, shown):
    response = admin_client.get(f"/admin/films/{model}/")

    assert response.status_code == 200
    assert shown in response.text


@pytest.mark.parametrize("model", CHANGELISTS)
def test_a_changelist_runs_the_same_queries_whatever_its_number_of_rows(
    admin_client, catalog, film_factory, model
):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert admin_client.get(f"/admin/films/{model}/").status_code == 200
        return len(context.captured_queries)

    before = queries()
    for n in range(5):
        film_factory(
            title=f"More {n}",
            genres=[f"Genre {n}"],
            themes=[f"Theme {n}"],
            countries=[f"X{n}"],
            directors=[f"Director {n}"],
            cast=[f"Actor {n}"],
        )

    assert queries() == before


def test_the_genre_changelist_counts_the_films_of_each_genre(admin_client, catalog):
    response = admin_client.get("/admin/films/genre/")

    counts = {genre.name: genre.film_count for genre in response.context["cl"].result_list}
    assert counts == {"Comedy": 1, "Drama": 2, "Romance": 1, "War": 1}


@pytest.mark.parametrize(
    "model, query, rows",
    [
        ("film", "vegas", ["Leaving Las Vegas (1995)"]),
        ("film", "RAN", ["Ran (1985)"]),
        ("film", "wikidata:Q1056853", ["Leaving Las Vegas (1995)"]),
        ("film", "nothing like this", []),
        ("person", "kurosawa", ["Akira Kurosawa"]),
        ("person", "Cage", ["Nicolas Cage"]),
        ("credit", "cage", ["Nicolas Cage (Actor) in Leaving Las Vegas (1995)"]),
        (
            "credit",
            "friday",
            [
                "Howard Hawks (Director) in His Girl Friday (1940)",
                "Cary Grant (Actor) in His Girl Friday (1940)",
            ],
        ),
    ],
)
def test_search_finds_the_right_rows(admin_client, catalog, model, query, rows):
    response = admin_client.get(f"/admin/films/{model}/", {"q": query})

    assert response.status_code == 200
    assert sorted(changelist_rows(response)) == sorted(rows)
    for row in rows:
        assert row.split(" (")[0] in response.text


@pytest.mark.parametrize(
    "decade, titles",
    [
        ("1990", ["Leaving Las Vegas (1995)"]),
        ("1980", ["Ran (1985)"]),
        ("1940", ["His Girl Friday (1940)"]),
        ("2000", []),
    ],
)
def test_the_decade_filter_keeps_the_films_of_that_decade(admin_client, catalog, decade, titles):
    response = admin_client.get("/admin/films/film/", {"decade": decade})

    assert response.status_code == 200
    assert changelist_rows(response) == titles
    assert f"{decade}s" in response.text


def test_the_genre_filter_keeps_the_films_of_that_genre(admin_client, catalog):
    drama = catalog.genres.get(name="Drama")

    response = admin_client.get("/admin/films/film/", {"genres__id__exact": drama.pk})

    assert sorted(changelist_rows(response)) == ["Leaving Las Vegas (1995)", "Ran (1985)"]


def test_the_film_page_shows_its_credits_inline(admin_client, catalog):
    response = admin_client.get(f"/admin/films/film/{catalog.pk}/change/")

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert [
        (form.instance.get_role_display(), form.instance.person.name, form.instance.character)
        for form in formset.initial_forms
    ] == [
        ("Director", "Mike Figgis", ""),
        ("Actor", "Nicolas Cage", "Ben Sanderson"),
        ("Actor", "Elisabeth Shue", ""),
    ]
    assert 'name="credits-TOTAL_FORMS" value="4"' in response.text
    for shown in ["Leaving Las Vegas", "Mike Figgis", "Nicolas Cage", "Ben Sanderson", "Drama"]:
        assert shown in response.text


def film_change_form(film, **changes) -> dict:
    """The film's change form as the admin shows it, with its credits, and `changes`."""
    credits = list(film.credits.order_by("role", "position", "id"))
    form = {
        "title": film.title,
        "slug": film.slug,
        "external_id": film.external_id,
        "year": str(film.year),
        "genres": [genre.pk for genre in film.genres.all()],
        "cast_in_billing_order": "on",
        "catalog_rating_average": "3.00",
        "catalog_rating_count": "2",
        "credits-TOTAL_FORMS": str(len(credits)),
        "credits-INITIAL_FORMS": str(len(credits)),
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
    }
    for n, credit in enumerate(credits):
        form.update(
            {
                f"credits-{n}-id": credit.pk,
                f"credits-{n}-film": film.pk,
                f"credits-{n}-role": credit.role,
                f"credits-{n}-position": credit.position,
                f"credits-{n}-person": credit.person_id,
                f"credits-{n}-character": credit.character,
            }
        )
    return form | changes


def test_saving_a_film_recomputes_its_combined_rating(admin_client, catalog):
    catalog.votes_count, catalog.votes_sum = 2, 10
    catalog.save()

    response = admin_client.post(
        f"/admin/films/film/{catalog.pk}/change/", film_change_form(catalog)
    )

    assert response.status_code == 302, response.context["adminform"].errors
    catalog.refresh_from_db()
    # (3 * 2 + 10) / 4
    assert (catalog.rating_average, catalog.rating_count) == (Decimal("4.00"), 4)
    assert catalog.credits.count() == 3


@pytest.mark.parametrize(
    "change, message",
    [
        ({"year": "1850"}, "The year must be between 1870 and 2100."),
        ({"runtime": "0"}, "The runtime must be at least one minute."),
        ({"catalog_rating_average": "9.99"}, "The catalog&#x27;s rating must be from 0 to 5."),
    ],
)
def test_a_film_saved_with_an_implausible_value_is_refused_in_words(
    admin_client, catalog, change, message
):
    response = admin_client.post(
        f"/admin/films/film/{catalog.pk}/change/", film_change_form(catalog, **change)
    )

    assert response.status_code == 200
    assert message in response.text
    catalog.refresh_from_db()
    assert (catalog.year, catalog.runtime, catalog.catalog_rating_average) == (1995, None, None)


def test_genre_autocomplete_returns_the_matching_genres(admin_client, catalog):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "films", "model_name": "film", "field_name": "genres", "term": "dra"},
    )

    assert response.status_code == 200
    drama = catalog.genres.get(name="Drama")
    assert response.json()["results"] == [{"id": str(drama.pk), "text": "Drama"}]


def test_person_autocomplete_for_the_credits_inline_finds_people_by_name(admin_client, catalog):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "films", "model_name": "credit", "field_name": "person", "term": "cage"},
    )

    cage = Person.objects.get(name="Nicolas Cage")
    assert response.json()["results"] == [{"id": str(cage.pk), "text": "Nicolas Cage"}]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/films/film/",
        "/admin/films/person/",
        "/admin/autocomplete/?app_label=films&model_name=film&field_name=genres&term=dra",
    ],
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, catalog, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/?next=")


def test_a_film_deleted_in_the_admin_takes_its_credits_but_not_its_people(admin_client, catalog):
    response = admin_client.post(f"/admin/films/film/{catalog.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Film.objects.filter(pk=catalog.pk).exists()
    assert not Credit.objects.filter(film_id=catalog.pk).exists()
    assert Person.objects.filter(name="Mike Figgis").exists()


@pytest.fixture
def two_films_of_one_actor(film_factory):
    first = film_factory(title="Face/Off", year=1997, cast=["Nicolas Cage", "John Travolta"])
    second = film_factory(title="Leaving Las Vegas", year=1995, cast=["Nicolas Cage"])
    Person.objects.all().refresh_film_counts()
    return first, second


def test_a_film_deleted_in_the_admin_leaves_its_people_counted_without_it(
    admin_client, client, two_films_of_one_actor
):
    first, _ = two_films_of_one_actor

    admin_client.post(f"/admin/films/film/{first.pk}/delete/", {"post": "yes"})

    assert Person.objects.get(name="Nicolas Cage").film_count == 1
    assert Person.objects.get(name="John Travolta").film_count == 0
    # Search ranks and labels people by it.
    assert (
        'Nicolas Cage</a> <span class="muted">(1 film)'
        in client.get("/search/", {"q": "cage"}).content.decode()
    )


def test_films_deleted_together_in_the_admin_leave_their_people_counted(
    admin_client, two_films_of_one_actor
):
    ids = [film.pk for film in two_films_of_one_actor]

    admin_client.post(
        "/admin/films/film/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert not Film.objects.filter(pk__in=ids).exists()
    assert Person.objects.get(name="Nicolas Cage").film_count == 0


def test_a_film_rated_on_the_site_can_be_deleted_with_its_votes(admin_client, catalog):
    vote_submit(film_id=catalog.pk, visitor=Visitor(cookie_id="someone"), stars=4)

    confirmation = admin_client.get(f"/admin/films/film/{catalog.pk}/delete/")
    response = admin_client.post(f"/admin/films/film/{catalog.pk}/delete/", {"post": "yes"})

    assert "permission to delete" not in confirmation.text
    assert response.status_code == 302
    assert not Film.objects.filter(pk=catalog.pk).exists()
    assert not Vote.objects.exists()


@pytest.mark.parametrize("unsafe", ["https://elsewhere.example/", "//elsewhere.example/x"])
def test_a_sign_in_with_a_next_address_elsewhere_stays_on_the_site(client, admin_user, unsafe):
    response = client.post(
        f"/admin/login/?next={unsafe}", {"username": "admin", "password": "password"}
    )

    # The account page (settings.LOGIN_REDIRECT_URL), which leads to the admin for a curator.
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert 'href="/admin/"' in client.get("/account/").text
    assert client.get(response["Location"]).status_code == 200


def test_repeated_wrong_passwords_lock_the_sign_in_even_for_the_right_one(
    client, admin_user, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post("/admin/login/", {"username": "admin", "password": "guess"})
        assert wrong.status_code == 200  # the form again, with its error
    last = client.post("/admin/login/", {"username": "admin", "password": "guess"})
    assert last.status_code == 429

    right = client.post("/admin/login/", {"username": "admin", "password": "password"})

    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_forgets_the_failures(client, admin_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/admin/login/", {"username": "admin", "password": "guess"})

    assert (
        client.post("/admin/login/", {"username": "admin", "password": "password"}).status_code
        == 302
    )
    client.logout()
    client.post("/admin/login/", {"username": "admin", "password": "guess"})
    assert (
        client.post("/admin/login/", {"username": "admin", "password": "password"}).status_code
        == 302
    )
