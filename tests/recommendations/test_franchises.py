"""Franchises read from titles, the mix of the first page and namesakes: the rules of
issue 20, each on a small catalog made for the test (titles of real films, invented
credits)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from films.catalog.models import Credit, Genre
from pages.sentences import reasons
from recommendations import weights
from recommendations.franchises import series_name, title_stem
from recommendations.models import FilmRecommendations
from recommendations.services import build_all, rebuild_film
from tests.conftest import film_with_relations, make_film
from tests.recommendations.catalog import (
    add_bare_films,
    add_films_credited_to,
    idf,
    suggested_ids,
    suggestion,
)
from tests.recommendations.test_ranking import CATALOG_SIZE, pad_catalog_to


@pytest.mark.parametrize(
    "title, stem",
    [
        ("Alien", "alien"),
        ("Aliens", "alien"),
        ("Alien 3", "alien"),
        ("Alien: Covenant", "alien"),
        ("Toy Story 3", "toy story"),
        ("The Godfather Part II", "godfather"),
        ("Star Trek IV: The Voyage Home", "star trek"),
        ("Star Wars: Episode V – The Empire Strikes Back", "star war"),
        ("Friday the 13th Part VI: Jason Lives", "friday the 13th"),
        ("Step Up 3D", "step up"),
        ("Kill Bill: Vol. 2", "kill bill"),
        ("Harry Potter and the Deathly Hallows – Part 2", "harry potter and the deathly hallow"),
        ("Rocky V", "rocky"),
        ("Die Hard 2", "die hard"),  # "die" is no article here
        ("Le Samouraï", "samourai"),
        # Whole titles: never all of it, and no letter or larger number taken for a sequel's.
        ("Seven", "seven"),
        ("1917", "1917"),
        ("The Magnificent Seven", "magnificent seven"),
        ("Malcolm X", "malcolm x"),
        ("Apollo 13", "apollo 13"),
    ],
)
def test_a_title_reduces_to_its_stem(title, stem):
    assert title_stem(title).stem == stem


def test_a_series_is_named_as_its_titles_write_it():
    assert title_stem("Toy Story 3").name == "Toy Story"
    assert series_name(["Mission: Impossible", "Mission: Impossible III"]) == (
        "Mission: Impossible"
    )
    assert series_name(["Star Trek: The Motion Picture", "Star Trek II: The Wrath"]) == (
        "Star Trek"
    )
    # A one-word head cut from its subtitle begins no other title ("Mission to Mars").
    assert not title_stem("Mission: Impossible").prefixes


def pixar_genres():
    return [
        Genre.objects.get_or_create(name=name, slug=name.lower())[0]
        for name in ("Animation", "Comedy", "Family")
    ]


def test_sequels_with_no_series_named_come_first_when_they_share_their_genres(db):
    animation, comedy, family = pixar_genres()
    first = make_film(title="Toy Story", year=1995, genres=[animation, comedy, family])
    third = make_film(title="Toy Story 3", year=2010, genres=[animation, comedy])
    # Shares the director and more: without the titles, it would come first.
    same_director = make_film(
        title="A Bug's Life",
        year=1998,
        directors=["John Lasseter"],
        writers=["Andrew Stanton"],
        genres=[animation, comedy, family],
    )
    Credit.objects.create(
        film=first, person=same_director.credits.first().person, role=Credit.Role.DIRECTOR
    )
    pad_catalog_to(CATALOG_SIZE)

    build_all()

    assert suggested_ids(first)[0] == third.id
    assert suggested_ids(third)[0] == first.id
    assert suggestion(first, third)["reasons"]["inferred_series"] == "Toy Story"
    assert "series" not in suggestion(first, third)["reasons"]
    assert suggested_ids(first)[1] == same_director.id


def test_a_title_that_merely_begins_the_same_is_no_sequel_without_a_person(db):
    horror = Genre.objects.create(name="Horror", slug="horror")
    halloween = make_film(
        title="Halloween", year=1978, directors=["John Carpenter"], genres=[horror]
    )
    party = make_film(title="Halloween Party", year=2019, genres=[horror], themes=["Masks"])
    # The same beginning and a person in common: Jamie Lee Curtis came back.
    h20 = make_film(title="Halloween H20: 20 Years Later", year=1998, genres=[horror])
    curtis = add_films_credited_to("Jamie Lee Curtis", Credit.Role.ACTOR, 1)[0]
    Credit.objects.filter(film=curtis).update(film=h20)
    Credit.objects.create(
        film=halloween,
        person=Credit.objects.get(film=h20).person,
        role=Credit.Role.ACTOR,
    )
    pad_catalog_to(CATALOG_SIZE)

    build_all()

    assert suggested_ids(halloween)[0] == h20.id
    assert suggestion(halloween, h20)["reasons"]["inferred_series"] == "Halloween"
    # Suggested, perhaps, for its genre; not as a film of the series.
    assert "inferred_series" not in (suggestion(halloween, party) or {"reasons": {}})["reasons"]


def test_a_series_the_catalog_gives_wins_over_the_titles(db):
    animation, comedy, family = pixar_genres()
    first = make_film(title="Cars", series="Cars", genres=[animation, comedy, family])
    sequel = make_film(title="Cars 2", series="Cars", genres=[animation, comedy, family])
    other = make_film(title="Cars 3", series="Another", genres=[animation, comedy, family])
    pad_catalog_to(CATALOG_SIZE)

    build_all()

    assert suggestion(first, sequel)["reasons"]["series"] is True
    listed = suggestion(first, other)
    assert listed is None or "inferred_series" not in listed["reasons"]


def test_films_of_a_series_come_nearest_in_time_first(db):
    films = {
        year: make_film(title=f"Rocky {n}" if n > 1 else "Rocky", year=year, series="Rocky")
        for n, year in enumerate((1976, 1979, 1982, 1985, 1990, 2006), start=1)
    }
    pad_catalog_to(CATALOG_SIZE)

    build_all()

    years = {film.id: year for year, film in films.items()}
    assert [years[i] for i in suggested_ids(films[1985])] == [1982, 1990, 1979, 1976, 2006]


def test_the_first_page_holds_at_most_half_of_one_directors_films(db):
    drama = Genre.objects.create(name="Drama", slug="drama")
    film = make_film(title="Leaving Las Vegas", directors=["Mike Figgis"], genres=[drama])
    figgis = [
        make_film(title=f"Figgis film {n}", directors=["Mike Figgis"], genres=[drama])
        for n in range(8)
    ]
    # Each shares one actor: less than a director, so all come after the Figgis films.
    actors = []
    for n in range(5):
        name = f"Actor {n}"
        actors.append(make_film(title=f"Film with {name}", cast=[name], genres=[drama]))
        Credit.objects.create(
            film=film,
            person=actors[-1].credits.get().person,
            role=Credit.Role.ACTOR,
            position=n,
        )
    pad_catalog_to(CATALOG_SIZE)

    build_all()

    ranked = suggested_ids(film)
    first_page = ranked[: weights.FIRST_PAGE]
    assert sum(i in {f.id for f in figgis} for i in first_page) == 5
    assert {a.id for a in actors} <= set(first_page)
    # The full list keeps every suggestion, the director's best first.
    assert set(ranked) == {f.id for f in figgis + actors}
    scores = [suggestion(film, f)["score"] for f in figgis]
    best = sorted(zip(scores, figgis, strict=True), key=lambda pair: -pair[0])
    assert ranked[:5] == [f.id for _, f in best][:5]


# A writer of two or three films in 2,000 is rare enough to make a suggestion alone.
NAMESAKE_CATALOG = 2000


def namesakes(db, between=None):
    """A writer on a 1995 drama and on a 2004 comedy that share nothing else; `between`:
    the year of a third film of theirs, if any."""
    drama = Genre.objects.get_or_create(name="Drama", slug="drama")[0]
    comedy = Genre.objects.get_or_create(name="Comedy", slug="comedy")[0]
    novel = make_film(title="Leaving", year=1995, writers=["John O'Brien"], genres=[drama])
    comic = make_film(title="Starsky", year=2004, writers=["John O'Brien"], genres=[comedy])
    if between:
        make_film(title="Between", year=between, writers=["John O'Brien"])
    pad_catalog_to(NAMESAKE_CATALOG)
    build_all()
    return novel, comic


def test_one_shared_name_across_a_gap_of_years_with_nothing_else_is_no_suggestion(db):
    novel, comic = namesakes(db)

    assert weights.WRITER_WEIGHT * idf(2) >= weights.MIN_SCORE  # it would pass on its own
    assert suggestion(novel, comic) is None
    assert suggestion(comic, novel) is None


def test_one_shared_name_is_a_suggestion_when_the_career_has_no_gap(db):
    novel, comic = namesakes(db, between=1999)

    assert suggestion(novel, comic) is not None


def test_a_shared_director_is_never_taken_for_a_namesake(db):
    days = make_film(title="Days of Heaven", year=1978, directors=["Terrence Malick"])
    red_line = make_film(title="The Thin Red Line", year=1998, directors=["Terrence Malick"])
    pad_catalog_to(CATALOG_SIZE)

    build_all()

    assert suggested_ids(days) == [red_line.id]


def test_rebuilding_one_film_keeps_the_inferred_series_mix_and_namesakes(db):
    animation, comedy, family = pixar_genres()
    first = make_film(title="Toy Story", year=1995, genres=[animation, comedy, family])
    make_film(title="Toy Story 2", year=1999, genres=[animation, comedy, family])
    make_film(title="Toy Story of Terror!", year=2013, cast=["Tom Hanks"], genres=[animation])
    Credit.objects.create(
        film=first,
        person=Credit.objects.get(person__name="Tom Hanks").person,
        role=Credit.Role.ACTOR,
    )
    # Title mates whose titles start with other words: found all the same.
    panther = make_film(title="The Pink Panther", year=1963, directors=["Blake Edwards"])
    revenge = make_film(
        title="Revenge of the Pink Panther",
        year=1978,
        directors=["Blake Edwards"],
        cast=["Peter Sellers", "Herbert Lom"],
    )
    make_film(title="Trail of the Pink Panther", year=1982, cast=["Peter Sellers", "Herbert Lom"])
    novel, _ = namesakes(db)
    films = (first, panther, revenge, novel)
    built = {film.id: FilmRecommendations.objects.get(film=film).suggestions for film in films}

    for film in films:
        assert rebuild_film(film.id).suggestions == built[film.id]
    assert len(built[first.id]) == 2
    # Trail comes through Revenge: it shares no one with the 1963 film.
    assert [s["reasons"].get("inferred_series") for s in built[panther.id]] == [
        "The Pink Panther",
        "The Pink Panther",
    ]


def test_the_why_line_and_json_say_a_series_is_read_from_the_titles(db):
    animation, comedy, family = pixar_genres()
    first = make_film(
        title="Toy Story", external_id="test:toy-story", genres=[animation, comedy, family]
    )
    make_film(
        title="Toy Story 2", external_id="test:toy-story-2", genres=[animation, comedy, family]
    )
    add_bare_films(CATALOG_SIZE)
    build_all()
    out = StringIO()

    call_command("similar", first.external_id, stdout=out)

    [listed] = json.loads(out.getvalue())["suggestions"]
    assert listed["reasons"]["inferred_series"] == "Toy Story"
    film = film_with_relations(first.pk)
    assert reasons(film, listed["reasons"])[0] == "Same series, going by the titles: Toy Story"
