"""A person's page: their films by role in year order, and who they worked with most."""

from decimal import Decimal

import pytest
from django.urls import reverse

from films.catalog.models import Credit, Film, Person
from pages.facets import catalog_facets
from tests.conftest import make_film, make_person
from tests.html import card_titles, find, find_all, links, page, text, texts

# Whitenoise warns that collectstatic has not been run; pages need no static files here.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def filmography(doc, heading_id: str) -> list[str]:
    """A section's films as listed: "1992 Unforgiven as William Munny"."""
    return texts(find(doc, f'section[aria-labelledby="{heading_id}"]'), "li")


def play(person: str, film: Film, character: str) -> None:
    Credit.objects.filter(film=film, person__name=person, role=Credit.Role.ACTOR).update(
        character=character
    )


@pytest.fixture
def eastwood(db) -> Person:
    """Clint Eastwood, who directed three films, acted in four, two of them his own;
    made out of year order."""
    torino = make_film(
        title="Gran Torino", year=2008, directors=["Clint Eastwood"], cast=["Clint Eastwood"]
    )
    play("Clint Eastwood", torino, "Walt Kowalski")
    make_film(title="The Untitled Project", year=None, cast=["Clint Eastwood"])
    unforgiven = make_film(
        title="Unforgiven",
        year=1992,
        directors=["Clint Eastwood"],
        writers=["David Webb Peoples"],
        cast=["Clint Eastwood", "Gene Hackman", "Morgan Freeman"],
    )
    play("Clint Eastwood", unforgiven, "William Munny")
    make_film(
        title="Million Dollar Baby",
        year=2004,
        directors=["Clint Eastwood"],
        writers=["Paul Haggis"],
        # Credited twice on one film: still one film shared.
        cast=["Hilary Swank", "Morgan Freeman", "Paul Haggis"],
    )
    good_bad_ugly = make_film(
        title="The Good, the Bad and the Ugly", year=1966, cast=["Clint Eastwood"]
    )
    play("Clint Eastwood", good_bad_ugly, "Blondie")
    make_film(title="Seven", year=1995, cast=["Morgan Freeman", "Brad Pitt"])
    Person.objects.refresh_film_counts()
    return Person.objects.get(name="Clint Eastwood")


def test_the_person_page_shows_the_films_directed_and_acted_in_newest_first(client, eastwood):
    doc = page(client.get(eastwood.get_absolute_url()))

    assert text(doc, "h1") == "Clint Eastwood"
    assert text(doc, "title") == "Clint Eastwood · filmsite"
    assert text(doc, "p.lead") == ("5 films in the catalog: 3 directed, 4 as an actor.")
    assert text(doc, "h2#directed-heading") == "Films directed (3)"
    assert filmography(doc, "directed-heading") == [
        "2008 Gran Torino",
        "2004 Million Dollar Baby",
        "1992 Unforgiven",
    ]
    assert text(doc, "h2#acted-heading") == "Films acted in (4)"
    assert filmography(doc, "acted-heading") == [
        "2008 Gran Torino as Walt Kowalski",
        "1992 Unforgiven as William Munny",
        "1966 The Good, the Bad and the Ugly as Blondie",
        "— The Untitled Project",  # no known year: last
    ]
    assert find_all(doc, 'section[aria-labelledby="written-heading"]') == []


def test_someone_who_directed_and_acted_in_a_film_appears_in_both_lists(client, db):
    make_film(title="Citizen Kane", year=1941, directors=["Orson Welles"], cast=["Orson Welles"])
    welles = Person.objects.get(name="Orson Welles")

    doc = page(client.get(welles.get_absolute_url()))

    assert filmography(doc, "directed-heading") == ["1941 Citizen Kane"]
    assert filmography(doc, "acted-heading") == ["1941 Citizen Kane"]
    assert text(doc, "p.lead") == "1 film in the catalog: 1 directed, 1 as an actor."


def test_a_writer_page_lists_the_films_written(client, db):
    make_film(title="Tomboy", year=2011, directors=["Céline Sciamma"], writers=["Céline Sciamma"])
    make_film(title="My Life as a Zucchini", year=2016, writers=["Céline Sciamma"])
    make_film(
        title="Water Lilies", year=2007, directors=["Céline Sciamma"], writers=["Céline Sciamma"]
    )
    sciamma = Person.objects.get(name="Céline Sciamma")

    doc = page(client.get(sciamma.get_absolute_url()))

    assert text(doc, "p.lead") == "3 films in the catalog: 2 directed, 3 written."
    assert filmography(doc, "directed-heading") == ["2011 Tomboy", "2007 Water Lilies"]
    assert text(doc, "h2#written-heading") == "Films written (3)"
    assert filmography(doc, "written-heading") == [
        "2016 My Life as a Zucchini",
        "2011 Tomboy",
        "2007 Water Lilies",
    ]
    assert find_all(doc, 'section[aria-labelledby="acted-heading"]') == []


def test_each_film_listed_links_to_its_page(client, eastwood):
    doc = page(client.get(eastwood.get_absolute_url()))

    unforgiven = Film.objects.get(title="Unforgiven")
    assert links(doc, 'section[aria-labelledby="directed-heading"]')[-1] == (
        "Unforgiven",
        unforgiven.get_absolute_url(),
    )
    assert text(page(client.get(unforgiven.get_absolute_url())), "h1") == "Unforgiven (1992)"


def test_it_shows_who_they_worked_with_most_often_with_how_many_films(client, eastwood):
    doc = page(client.get(eastwood.get_absolute_url()))

    collaborators = find(doc, "ul.collaborators")
    # Morgan Freeman shares two films (not Seven); Paul Haggis wrote and acted in one
    # film, counted once; Clint Eastwood is not his own collaborator. Ties by name.
    assert texts(collaborators, "li") == [
        "Morgan Freeman (2 films)",
        "David Webb Peoples (1 film)",
        "Gene Hackman (1 film)",
        "Hilary Swank (1 film)",
        "Paul Haggis (1 film)",
    ]
    freeman = Person.objects.get(name="Morgan Freeman")
    assert links(collaborators)[0] == ("Morgan Freeman", freeman.get_absolute_url())
    freeman_page = page(client.get(freeman.get_absolute_url()))
    assert text(freeman_page, "h1") == "Morgan Freeman"
    assert texts(find(freeman_page, "ul.collaborators"), "li")[0] == "Clint Eastwood (2 films)"


def test_only_the_twelve_most_frequent_collaborators_are_shown(client, db):
    make_film(title="Ensemble", cast=["Robert Altman", *(f"Actor {i:02d}" for i in range(20))])
    make_film(title="Sequel", cast=["Robert Altman", "Actor 19"])
    altman = Person.objects.get(name="Robert Altman")

    doc = page(client.get(altman.get_absolute_url()))

    assert texts(find(doc, "ul.collaborators"), "li") == [
        "Actor 19 (2 films)",
        *(f"Actor {i:02d} (1 film)" for i in range(11)),
    ]


def test_the_page_says_the_span_of_years_and_how_their_films_are_rated(client, db):
    for title, year, average, count in [
        ("Early", 1962, "2.00", 10),
        ("Classic", 1975, "4.50", 900),
        ("Late", 2001, "3.50", 300),
        ("Unrated", 1980, None, 0),
    ]:
        rated = {"rating_average": average and Decimal(average), "rating_count": count}
        make_film(title=title, year=year, directors=["Ann Auteur"], **rated)
    person = Person.objects.get(name="Ann Auteur")

    doc = page(client.get(person.get_absolute_url()))

    # (2.0 + 4.5 + 3.5) / 3 = 3.33: 67%.
    assert text(doc, "p.career") == (
        "Films from 1962 to 2001. The 3 rated ones average 67% (3.3/5)."
    )
    best = find(doc, 'section[aria-labelledby="best-known-heading"]')
    assert card_titles(best) == ["Classic (1975)", "Late (2001)", "Early (1962)"]


def test_a_person_links_out_where_their_catalog_id_leads(client, db):
    make_film(title="Heat", directors=["Michael Mann"])
    Person.objects.filter(name="Michael Mann").update(external_id="imdb:nm0000520")
    person = Person.objects.get(name="Michael Mann")

    doc = page(client.get(person.get_absolute_url()))

    assert links(doc, "p.links-out") == [("IMDb", "https://www.imdb.com/name/nm0000520/")]


def test_someone_with_no_film_has_a_page_that_says_so(client, db):
    nobody = make_person("Nobody Yet")

    doc = page(client.get(nobody.get_absolute_url()))

    assert text(doc, "h1") == "Nobody Yet"
    assert text(doc, "p.lead") == "0 films in the catalog."
    assert find_all(doc, "section") == []


def test_a_wrong_or_old_slug_redirects_permanently_to_the_page(client, eastwood):
    url = eastwood.get_absolute_url()
    assert url == f"/person/clint-eastwood-{eastwood.pk}/"

    response = client.get(reverse("films:person", kwargs={"slug": "eastwood", "pk": eastwood.pk}))

    assert response.status_code == 301
    assert response["Location"] == url


def test_an_unknown_person_is_not_found(client, eastwood):
    response = client.get(reverse("films:person", kwargs={"slug": "nobody", "pk": 999999}))

    assert response.status_code == 404


def test_a_name_in_another_script_has_a_page(client, db):
    make_film(title="Rashomon", year=1950, directors=["黒澤明"])
    kurosawa = Person.objects.get(name="黒澤明")

    doc = page(client.get(kurosawa.get_absolute_url()))

    assert kurosawa.get_absolute_url() == f"/person/person-{kurosawa.pk}/"
    assert text(doc, "h1") == "黒澤明"


@pytest.mark.parametrize("films", [3, 30])
def test_the_person_page_makes_seven_queries_however_many_films_then_two(
    client, db, django_assert_num_queries, films
):
    for i in range(films):
        make_film(
            title=f"Film {i:02d}",
            year=1960 + i,
            directors=["Prolific Person"],
            writers=["Prolific Person", f"Writer {i}"],
            cast=["Prolific Person", f"Actor {i}", "Regular Actor"],
            genres=["Drama"],
            rating_average=Decimal("3.50"),
            rating_count=10 + i,
        )
    person = Person.objects.get(name="Prolific Person")

    catalog_facets()  # read once per version of the catalog (the footer's themes link)

    # The person; the number and last update of their films (the cache key); their
    # credits with the films; the films shared per collaborator; the names of those who
    # make the list; the films they are best known for, and their cards' facts.
    with django_assert_num_queries(7):
        first = client.get(person.get_absolute_url())
    # Then from the cache, the same page.
    with django_assert_num_queries(2):
        again = client.get(person.get_absolute_url())
    assert again.content == first.content
    doc = page(first)

    assert text(doc, "h2#directed-heading") == f"Films directed ({films})"
    assert len(filmography(doc, "acted-heading")) == films
    assert texts(find(doc, "ul.collaborators"), "li")[0] == f"Regular Actor ({films} films)"


def test_collaborators_are_ranked_by_films_shared_then_by_name_and_cut_at_twelve(client, db):
    make_film(title="One", directors=["Hub"], cast=["Zed Often", "Amy Often"])
    make_film(title="Two", directors=["Hub"], cast=["Zed Often", "Amy Often", "Bob Once"])
    make_film(title="Three", directors=["Hub"], cast=["Zed Often"])
    make_film(title="Crowd", directors=["Hub"], cast=[f"Extra {c}" for c in "QPONMLKJIHGF"])
    hub = Person.objects.get(name="Hub")

    listed = texts(find(page(client.get(hub.get_absolute_url())), "ul.collaborators"), "li")

    assert listed == [
        "Zed Often (3 films)",
        "Amy Often (2 films)",
        "Bob Once (1 film)",
        *[f"Extra {c} (1 film)" for c in "FGHIJKLMN"],
    ]


def test_a_cached_person_page_shows_a_renamed_film_and_a_new_film_at_once(client, db):
    film = make_film(title="Old Title", year=1990, directors=["Prolific Person"])
    person = Person.objects.get(name="Prolific Person")
    assert "Old Title" in client.get(person.get_absolute_url()).content.decode()

    film.title = "New Title"
    film.save()
    assert "New Title" in client.get(person.get_absolute_url()).content.decode()

    make_film(title="Another One", year=1991, directors=["Prolific Person"])
    doc = page(client.get(person.get_absolute_url()))
    assert text(doc, "h2#directed-heading") == "Films directed (2)"
    assert "Another One" in filmography(doc, "directed-heading")[0]


def test_the_span_and_average_read_in_french(client, db):
    for year, average in [(1962, "2.00"), (2001, "4.00")]:
        make_film(
            title=f"Film {year}",
            year=year,
            directors=["Ann Auteur"],
            rating_average=Decimal(average),
            rating_count=10,
        )
    person = Person.objects.get(name="Ann Auteur")

    response = client.get("/fr" + person.get_absolute_url())

    # text() reads every space as a plain one; the page has a narrow no-break one.
    assert text(page(response), "p.career") == (
        "Films de 1962 à 2001. Les 2 films notés ont une moyenne de 60 % (3,0/5)."
    )
    assert "60\u202f% (3,0/5)" in response.content.decode()


def test_a_vote_on_one_of_their_films_changes_the_average_at_the_next_visit(client, db):
    for year, average in [(1962, "2.00"), (2001, "4.00")]:
        make_film(
            title=f"Film {year}",
            year=year,
            directors=["Ann Auteur"],
            catalog_rating_average=Decimal(average),
            catalog_rating_count=10,
            rating_average=Decimal(average),
            rating_count=10,
        )
    person = Person.objects.get(name="Ann Auteur")
    assert "average 60%" in text(page(client.get(person.get_absolute_url())), "p.career")

    film = Film.objects.get(title="Film 1962")
    client.post(reverse("films:rate", args=[film.slug, film.pk]), {"stars": 5})

    # (2.0 × 10 + 5) / 11 = 2.27 and 4.0: 63%.
    assert "average 63%" in text(page(client.get(person.get_absolute_url())), "p.career")


def test_the_average_shows_even_when_no_film_has_a_year(client, db):
    for title in ("Undated", "Also undated"):
        make_film(
            title=title, year=None, directors=["Ann Auteur"], rating_average=Decimal("3.00"),
            rating_count=5,
        )  # fmt: skip
    person = Person.objects.get(name="Ann Auteur")

    assert text(page(client.get(person.get_absolute_url())), "p.career") == (
        "The 2 rated ones average 60% (3.0/5)."
    )
