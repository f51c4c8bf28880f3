"""The film page's similar films are cached, and the cache never shows stale data: with
the fragments cached on their own and with whole pages (caching/whole_pages.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from films.catalog.models import Credit, Film, Genre, Person
from films.community.services import vote_submit
from films.community.visitors import Visitor
from recommendations.services import build_all
from tests.recommendations.catalog import add_bare_films, add_films_credited_to


@pytest.fixture
def figgis(db):
    add_bare_films(200)
    films = add_films_credited_to("Mike Figgis", Credit.Role.DIRECTOR, 3)
    for i, film in enumerate(films):
        Film.objects.filter(pk=film.pk).update(title=f"Figgis film {i}", slug=f"figgis-film-{i}")
    build_all()
    return [Film.objects.get(pk=f.pk) for f in films]


@pytest.fixture(params=[False, True], ids=["pieces", "whole pages"])
def either_cache(request, settings):
    settings.WHOLE_PAGE_CACHE = request.param


def visit(client, url):
    """The page at its second visit: with whole pages, the first learns what it shows."""
    client.get(url)
    return client.get(url)


def similar_part(html: str) -> str:
    """The page from its similar films to its cast: before the forms and their tokens."""
    return html[html.index('id="similar"') : html.index('<section class="rate"')]


def similar_section(client, film) -> str:
    return similar_part(visit(client, film.get_absolute_url()).content.decode())


def test_a_second_visit_serves_the_same_section_from_the_cache(client, figgis):
    first = similar_section(client, figgis[0])
    with CaptureQueriesContext(connection) as second_visit:
        html = client.get(figgis[0].get_absolute_url()).content.decode()
    second = similar_part(html)
    assert second == first
    assert "Figgis film 1" in second
    # Neither the cards nor the film's own details were rendered again: nothing read
    # credits, genres or themes; the film rows read are the film's own and those of the
    # films it suggests, whose updated_at keys the section.
    read = " ".join(q["sql"] for q in second_visit.captured_queries)
    assert not any(table in read for table in ("films_credit", "films_genre", "films_theme"))
    film_rows = [q for q in second_visit.captured_queries if 'FROM "films_film"' in q["sql"]]
    assert len(film_rows) == 2


def test_a_vote_on_a_suggested_film_shows_on_the_next_visit(either_cache, client, figgis):
    before = similar_section(client, figgis[0])
    assert "from 1 rating" not in before

    vote_submit(film_id=figgis[1].pk, visitor=Visitor(cookie_id="v" * 24), stars=5)

    after = similar_section(client, figgis[0])
    assert "100% · 5.0/5" in after


def test_renaming_a_person_shows_on_the_next_visit(either_cache, admin_client, client, figgis):
    similar_section(client, figgis[0])
    figgis_person = Person.objects.get(name="Mike Figgis")
    response = admin_client.post(
        f"/admin/films/person/{figgis_person.pk}/change/",
        {"name": "Michael Figgis", "slug": figgis_person.slug, "external_id": ""},
    )
    assert response.status_code == 302

    assert "Michael Figgis" in similar_section(client, figgis[0])


def test_a_rebuild_shows_on_the_next_visit(either_cache, client, figgis):
    assert "Figgis film 2" in similar_section(client, figgis[0])
    Credit.objects.filter(film=figgis[2]).delete()
    build_all()

    assert "Figgis film 2" not in similar_section(client, figgis[0])


def film_details(client, film) -> str:
    """The cached parts of the film's own page: its JSON-LD and its details."""
    html = visit(client, film.get_absolute_url()).content.decode()
    return html[html.index("application/ld+json") : html.index('id="comments"')]


def test_a_vote_on_the_film_itself_shows_in_its_structured_data(either_cache, client, figgis):
    assert '"ratingCount":1' not in film_details(client, figgis[0])

    vote_submit(film_id=figgis[0].pk, visitor=Visitor(cookie_id="s" * 24), stars=4)

    assert '"ratingCount":1' in film_details(client, figgis[0])


def test_renaming_the_director_shows_in_the_films_own_details(
    either_cache, admin_client, client, figgis
):
    assert "Mike Figgis" in film_details(client, figgis[0])
    figgis_person = Person.objects.get(name="Mike Figgis")
    admin_client.post(
        f"/admin/films/person/{figgis_person.pk}/change/",
        {"name": "Michael Figgis", "slug": figgis_person.slug, "external_id": ""},
    )

    details = film_details(client, figgis[0])
    assert "Michael Figgis" in details and "Mike Figgis" not in details


def test_a_credit_edited_on_its_own_shows_on_the_film_page(
    either_cache, admin_client, client, figgis
):
    other = Film.objects.exclude(pk__in=[f.pk for f in figgis]).first()
    credit = Credit.objects.create(
        film=figgis[0], person=Person.objects.create(name="Ann Actor"), role=Credit.Role.ACTOR
    )
    Film.objects.filter(pk=figgis[0].pk).update(updated_at=timezone.now())
    assert "Ann Actor" in film_details(client, figgis[0])

    response = admin_client.post(
        f"/admin/films/credit/{credit.pk}/change/",
        {
            "film": other.pk,
            "person": credit.person_id,
            "role": Credit.Role.ACTOR,
            "position": 0,
            "character": "",
        },
    )

    assert response.status_code == 302
    assert "Ann Actor" not in film_details(client, figgis[0])
    assert "Ann Actor" in film_details(client, other)


def test_with_redis_a_vote_shows_on_the_next_visit_too(either_cache, redis_cache, client, figgis):
    from django.core.cache import caches

    first = similar_section(client, figgis[0])
    assert similar_section(client, figgis[0]) == first
    assert type(caches["default"]).__name__ == "RedisCache"
    vote_submit(film_id=figgis[1].pk, visitor=Visitor(cookie_id="r" * 24), stars=5)
    assert "100% · 5.0/5" in similar_section(client, figgis[0])


def similar_page_cards(client, film) -> str:
    html = visit(client, f"{film.get_absolute_url()}similar/").content.decode()
    return html[html.index('class="film-cards"') :]


def test_film_cards_are_rendered_once_and_read_from_the_cache_after(client, figgis):
    first = similar_page_cards(client, figgis[0])
    with CaptureQueriesContext(connection) as second_visit:
        second = similar_page_cards(client, figgis[0])

    assert second == first
    assert "Figgis film 1" in second and "Mike Figgis" in second
    # Only the film's own relations were read (its reasons name them), not the cards' facts.
    credits = [q["sql"] for q in second_visit.captured_queries if "films_credit" in q["sql"]]
    assert len(credits) == 2  # one for each request of visit()
    assert all("WHERE c.film_id = " in sql and "c.film_id IN (" not in sql for sql in credits)


def test_a_vote_and_a_rename_show_on_the_cards_at_once(either_cache, admin_client, client, figgis):
    similar_page_cards(client, figgis[0])
    vote_submit(film_id=figgis[1].pk, visitor=Visitor(cookie_id="c" * 24), stars=5)
    figgis_person = Person.objects.get(name="Mike Figgis")
    admin_client.post(
        f"/admin/films/person/{figgis_person.pk}/change/",
        {"name": "Michael Figgis", "slug": figgis_person.slug, "external_id": ""},
    )

    cards = similar_page_cards(client, figgis[0])
    assert "100% · 5.0/5" in cards
    assert "Michael Figgis" in cards and "Mike Figgis" not in cards


def test_a_genre_deleted_in_the_admin_leaves_the_film_page_and_cards(
    either_cache, admin_client, client, figgis
):
    genre = Genre.objects.create(name="Neo-noir", slug="neo-noir")
    for film in figgis[:2]:
        film.genres.add(genre)
    Film.objects.filter(pk__in=[f.pk for f in figgis]).update(updated_at=timezone.now())
    assert "Neo-noir" in film_details(client, figgis[0])
    assert "Neo-noir" in similar_page_cards(client, figgis[0])

    response = admin_client.post(f"/admin/films/genre/{genre.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert "Neo-noir" not in film_details(client, figgis[0])
    assert "Neo-noir" not in similar_page_cards(client, figgis[0])


def test_a_person_deleted_in_the_admin_leaves_the_film_page(
    either_cache, admin_client, client, figgis
):
    assert "Mike Figgis" in film_details(client, figgis[0])
    person = Person.objects.get(name="Mike Figgis")

    response = admin_client.post(f"/admin/films/person/{person.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert "Mike Figgis" not in film_details(client, figgis[0])
