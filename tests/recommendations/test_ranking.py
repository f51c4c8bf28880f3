"""How similar films are chosen and ordered: what counts, how much, and what breaks ties."""

import json

import pytest

from films.catalog.models import Credit, Film, Genre
from pages.sentences import reasons
from recommendations import weights
from recommendations.models import FilmRecommendations
from recommendations.services import build_all
from tests.conftest import film_with_relations, make_film, make_person
from tests.recommendations.catalog import (
    add_bare_films,
    add_films_credited_to,
    idf,
    suggested_ids,
    suggestion,
)

# With 200 films, a person credited on up to 5 of them is rare enough that sharing them
# as director passes MIN_SCORE: 1.0 x ln(200 / 5) = 3.7.
CATALOG_SIZE = 200


def pad_catalog_to(size: int) -> None:
    add_bare_films(size - Film.objects.count())


def test_a_film_never_suggests_itself(db):
    twins = [
        make_film(
            title=f"Twin {n}",
            series="Twins",
            directors=["Ivan Reitman"],
            cast=["Arnold Schwarzenegger", "Danny DeVito"],
            genres=["Comedy"],
            themes=["Twins"],
        )
        for n in range(3)
    ]
    pad_catalog_to(CATALOG_SIZE)

    build_all()

    for twin in twins:
        others = [t.id for t in twins if t != twin]
        assert sorted(suggested_ids(twin)) == others


def test_a_film_of_the_same_series_comes_before_a_film_of_the_same_director(db):
    film = make_film(
        title="Alien", series="Alien", directors=["Ridley Scott"], cast=["Sigourney Weaver"]
    )
    # Shares the director and the lead: as much as a film can share without the series.
    same_director = make_film(
        title="Blade Runner",
        directors=["Ridley Scott"],
        cast=["Sigourney Weaver"],
        rating_rank=5.0,
    )
    same_series = make_film(title="Alien 3", series="Alien", rating_rank=1.0)
    pad_catalog_to(CATALOG_SIZE)

    build_all()

    assert suggested_ids(film) == [same_series.id, same_director.id]
    assert suggestion(film, same_series)["score"] == weights.SERIES_BONUS
    assert suggestion(film, same_series)["reasons"] == {"series": True}


def test_a_shared_director_is_enough_and_one_common_genre_is_not(db):
    drama = Genre.objects.create(name="Drama", slug="drama")
    film = make_film(title="Film", directors=["Mike Figgis"], genres=[drama])
    same_director = make_film(title="Same director", directors=["Mike Figgis"])
    # Found through an extra they share (an actor of 30 films), then scored on the genre.
    same_genre = make_film(title="Same genre", genres=[drama], rating_rank=5.0)
    extra = make_person("Busy Extra")
    for f in (film, same_genre):
        Credit.objects.create(film=f, person=extra, role=Credit.Role.ACTOR, position=12)
    add_films_credited_to("Busy Extra", Credit.Role.ACTOR, 28)
    for bare in add_bare_films(CATALOG_SIZE - Film.objects.count()):
        bare.genres.add(drama)

    build_all()

    assert suggested_ids(film) == [same_director.id]
    assert suggestion(film, same_director)["score"] == round(weights.DIRECTOR_WEIGHT * idf(2), 4)
    # What the genre film would have scored, for the record: well below the minimum.
    drama_films = drama.films.count()
    assert drama_films > CATALOG_SIZE / 2
    assert (
        weights.GENRE_WEIGHT * idf(drama_films)
        + weights.ACTOR_WEIGHT * (weights.SUPPORTING_ACTOR_FACTOR) * idf(30)
        < weights.MIN_SCORE
    )


def test_a_shared_rare_actor_outranks_a_shared_actor_of_many_films(db):
    film = make_film(title="Film", directors=["Director"], cast=["Rare Actor", "Busy Actor"])
    # Created first and better rated: only the actor's rarity can put it second.
    busy = make_film(
        title="With the busy actor",
        directors=["Director"],
        cast=["Other", "Busy Actor"],
        rating_rank=5.0,
    )
    rare = make_film(
        title="With the rare actor", directors=["Director"], cast=["Rare Actor"], rating_rank=1.0
    )
    add_films_credited_to("Busy Actor", Credit.Role.ACTOR, 10)
    pad_catalog_to(CATALOG_SIZE)

    build_all()

    assert suggested_ids(film) == [rare.id, busy.id]
    # Both are leads (positions 0 and 1, factor 1.0): the difference is the idf alone.
    difference = suggestion(film, rare)["score"] - suggestion(film, busy)["score"]
    assert difference == pytest.approx(weights.ACTOR_WEIGHT * (idf(2) - idf(12)), abs=1e-3)


def cast_with(name: str, position: int, film_title: str) -> list[str]:
    extras = [f"{film_title} extra {n}" for n in range(position)]
    return extras + [name]


@pytest.fixture
def lead_and_extra(db):
    """A film whose lead and 13th-billed extra each appear in one other film."""

    def make(in_billing_order: bool):
        film = make_film(
            title="Film",
            directors=["Director"],
            cast=["Lead"] + [f"Film extra {n}" for n in range(11)] + ["Extra"],
            cast_in_billing_order=in_billing_order,
        )
        with_extra = make_film(
            title="With the extra",
            directors=["Director"],
            cast=cast_with("Extra", 12, "With the extra"),
            cast_in_billing_order=in_billing_order,
            rating_rank=5.0,
        )
        with_lead = make_film(
            title="With the lead",
            directors=["Director"],
            cast=["Lead"],
            cast_in_billing_order=in_billing_order,
            rating_rank=1.0,
        )
        pad_catalog_to(CATALOG_SIZE)
        build_all()
        return film, with_lead, with_extra

    return make


def test_a_shared_lead_actor_outranks_a_shared_extra(lead_and_extra):
    film, with_lead, with_extra = lead_and_extra(in_billing_order=True)

    assert suggested_ids(film) == [with_lead.id, with_extra.id]
    difference = suggestion(film, with_lead)["score"] - suggestion(film, with_extra)["score"]
    lead = weights.actor_factor(0, True)
    extra = weights.actor_factor(12, True)
    assert (lead, extra) == (1.0, weights.SUPPORTING_ACTOR_FACTOR)
    assert difference == pytest.approx(weights.ACTOR_WEIGHT * (lead - extra) * idf(2), abs=1e-3)


def test_without_billing_order_a_lead_and_an_extra_weigh_the_same(lead_and_extra):
    film, with_lead, with_extra = lead_and_extra(in_billing_order=False)

    # Equal scores; the better rated film comes first.
    assert suggested_ids(film) == [with_extra.id, with_lead.id]
    assert suggestion(film, with_lead)["score"] == suggestion(film, with_extra)["score"]


def test_exactly_the_same_genres_score_more_than_the_same_genres_and_another(db):
    film = make_film(title="Film", directors=["Director"], genres=["Crime", "Mystery"])
    superset = make_film(
        title="Superset",
        directors=["Director"],
        genres=["Crime", "Mystery", "Western"],
        rating_rank=5.0,
    )
    same = make_film(
        title="Same", directors=["Director"], genres=["Crime", "Mystery"], rating_rank=1.0
    )
    pad_catalog_to(CATALOG_SIZE)

    build_all()

    assert suggested_ids(film) == [same.id, superset.id]
    assert suggestion(film, same)["reasons"]["same_genres"] is True
    assert "same_genres" not in suggestion(film, superset)["reasons"]
    # Both share Crime and Mystery; the difference is the bonus for the identical set,
    # which two films of the catalog have.
    difference = suggestion(film, same)["score"] - suggestion(film, superset)["score"]
    bonus = min(weights.SAME_GENRES_CAP, weights.SAME_GENRES_WEIGHT * idf(2))
    assert difference == pytest.approx(bonus, abs=1e-3)


def test_a_film_sharing_only_a_very_common_genre_has_no_suggestions(db):
    drama = Genre.objects.create(name="Drama", slug="drama")
    film = make_film(title="Lonely drama", genres=[drama], directors=["Unique Director"])
    make_film(title="Another drama", genres=[drama], cast=["Somebody"])
    for bare in add_bare_films(CATALOG_SIZE - Film.objects.count())[:80]:
        bare.genres.add(drama)

    build_all()

    record = FilmRecommendations.objects.get(film=film)
    assert record.suggestions == []
    assert (record.genres_count, record.same_genres_count) == (81, 81)


def test_a_film_has_at_most_70_suggestions_the_best_rated_among_equals(db):
    assert weights.MAX_SUGGESTIONS == 70
    films = Film.objects.bulk_create(
        Film(title=f"Kurosawa {n}", slug="k", external_id=f"k:{n}", year=1950, rating_rank=n)
        for n in range(80)
    )
    kurosawa = make_person("Akira Kurosawa")
    Credit.objects.bulk_create(
        Credit(film=f, person=kurosawa, role=Credit.Role.DIRECTOR) for f in films
    )
    # ln(1800 / 80) = 3.1: the director alone is worth a suggestion.
    pad_catalog_to(1800)
    assert weights.DIRECTOR_WEIGHT * idf(80) >= weights.MIN_SCORE

    build_all()

    by_rank = [f.id for f in reversed(films)]  # best rated first
    worst, best = films[0], films[-1]
    assert suggested_ids(worst) == by_rank[:70]
    assert suggested_ids(best) == by_rank[1:71]
    counts = FilmRecommendations.objects.filter(film__in=films).values_list(
        "directors_count", flat=True
    )
    assert set(counts) == {79}
    assert all(len(r.suggestions) == 70 for r in FilmRecommendations.objects.filter(film__in=films))


def test_ties_go_to_the_better_rated_film_then_the_older_id(db):
    film = make_film(title="Film", directors=["Director"])
    first = make_film(title="First", directors=["Director"], rating_rank=3.0)
    best = make_film(title="Best", directors=["Director"], rating_rank=4.0)
    last = make_film(title="Last", directors=["Director"], rating_rank=3.0)
    worst = make_film(title="Worst", directors=["Director"], rating_rank=2.0)
    pad_catalog_to(CATALOG_SIZE)

    build_all()

    assert suggested_ids(film) == [best.id, first.id, last.id, worst.id]
    scores = {s["score"] for s in FilmRecommendations.objects.get(film=film).suggestions}
    assert len(scores) == 1


def all_suggestions_as_json() -> str:
    rows = FilmRecommendations.objects.order_by("film_id").values_list(
        "film_id", "suggestions", "actors_count", "directors_count", "genres_count"
    )
    return json.dumps(list(rows))


def test_two_builds_of_the_same_catalog_store_the_same_suggestions(db):
    for n in range(12):
        make_film(
            title=f"Film {n}",
            directors=[f"Director {n % 3}"],
            cast=[f"Lead {n % 4}", f"Second {n % 5}", f"Third {(n + 1) % 6}"],
            genres=[["Drama", "Crime"], ["Drama"], ["Comedy", "Drama"]][n % 3],
            themes=[f"Theme {n % 2}"],
            rating_rank=float(n % 2),
        )
    pad_catalog_to(CATALOG_SIZE)

    build_all()
    first = all_suggestions_as_json()
    build_all()

    assert all_suggestions_as_json() == first
    assert first.count('"score"') > 20


def test_the_reasons_name_what_the_two_films_share(db):
    film = make_film(
        title="The Godfather",
        series="The Godfather",
        directors=["Francis Ford Coppola"],
        writers=["Mario Puzo"],
        cast=["Marlon Brando", "Al Pacino", "James Caan", "Diane Keaton"],
        genres=["Crime", "Drama"],
        themes=["Mafia", "Family"],
    )
    sequel = make_film(
        title="The Godfather Part II",
        series="The Godfather",
        directors=["Francis Ford Coppola"],
        writers=["Mario Puzo"],
        cast=["Diane Keaton", "Al Pacino", "Robert De Niro"],
        genres=["Crime", "Drama"],
        themes=["Mafia"],
    )
    pad_catalog_to(CATALOG_SIZE)

    build_all()

    stored = suggestion(film, sequel)["reasons"]
    assert set(stored) == {
        "series",
        "directors",
        "writers",
        "actors",
        "genres",
        "same_genres",
        "themes",
    }
    film = film_with_relations(film.pk)
    assert reasons(film, stored) == [
        "Same series: The Godfather",
        "Same director: Francis Ford Coppola",
        "Same writer: Mario Puzo",
        # In this film's billing order, leads first.
        "Shared actors: Al Pacino and Diane Keaton",
        "Exactly its genres: Crime and Drama",
        "Theme in common: Mafia",
    ]
