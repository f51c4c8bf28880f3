"""The exact counts behind "N other films share an actor...", checked against a plain
all-pairs computation, and the one-film rebuild checked against the full build."""

from itertools import combinations

import pytest

from films.catalog.models import Credit, Film, Genre, Person
from recommendations.models import FilmRecommendations
from recommendations.services import build_all, rebuild_film
from tests.conftest import make_film
from tests.recommendations.catalog import add_bare_films

# The fields compared, FilmRecommendations field -> the independent computation's key.
COUNT_FIELDS = [
    "actors_count",
    "directors_count",
    "genres_count",
    "same_genres_count",
    "themes_count",
    "same_themes_count",
]


@pytest.fixture
def catalog(db):
    """Fourteen films whose people, genres, themes and series overlap in every way the
    counts distinguish, and bare films so that some suggestions pass the minimum."""
    films = {}

    def film(key, **fields):
        films[key] = make_film(title=key, **fields)

    # Figgis directs 1-3 and acts in 6; Cage leads 1, 2 and 4; O'Brien writes 1 and 2
    # and directs 7, so a writer credit must not count as a director credit.
    film(
        "one",
        directors=["Mike Figgis"],
        writers=["John O'Brien"],
        cast=["Nicolas Cage", "Elisabeth Shue", "Julian Sands", "Valeria Golino"],
        genres=["Drama", "Romance"],
        themes=["Alcoholism"],
        rating_rank=3.5,
    )
    film(
        "two",
        directors=["Mike Figgis"],
        writers=["John O'Brien"],
        cast=["Nicolas Cage", "Julian Sands"],
        genres=["Drama", "Crime"],
        themes=["Revenge"],
        series="Trilogy",
        rating_rank=3.0,
    )
    film(
        "three",
        directors=["Mike Figgis", "Ann Other"],
        cast=["Stellan Skarsgard"],
        genres=["Drama", "Crime"],
        themes=["Revenge"],
        series="Trilogy",
        rating_rank=3.0,
    )
    film(
        "four",
        directors=["Ridley Scott"],
        cast=["Nicolas Cage", "Elisabeth Shue"],
        genres=["Drama", "Romance"],
        themes=["Alcoholism", "Las Vegas"],
        rating_rank=4.0,
    )
    film(
        "five",
        directors=["Ridley Scott"],
        cast=["Julian Sands", "Valeria Golino", "Elisabeth Shue"],
        genres=["Crime", "Drama"],
        cast_in_billing_order=False,
        rating_rank=2.0,
    )
    film(
        "six",
        directors=["Jane Campion"],
        cast=["Mike Figgis", "Holly Hunter"],
        genres=["Comedy"],
        themes=["Las Vegas"],
    )
    film(
        "seven",
        directors=["John O'Brien"],
        cast=["Holly Hunter", "Valeria Golino"],
        genres=["Comedy", "Drama", "Romance"],
        themes=["Alcoholism", "Las Vegas"],
    )
    film("eight", cast=["Stellan Skarsgard"], genres=["Comedy"], themes=["Revenge"])
    film("nine", directors=["Jane Campion"], genres=["Drama"], themes=["Alcoholism"])
    film("ten", themes=["Alcoholism", "Las Vegas"], series="Trilogy")
    film("eleven", genres=["Drama"], writers=["Mike Figgis"])
    film("twelve")
    # Nothing in common but a rare pair of genres: found through the set alone.
    film("thirteen", genres=["Giallo", "Poliziesco"])
    film("fourteen", genres=["Giallo", "Poliziesco"])
    add_bare_films(60)
    return films


def independent_counts() -> dict[int, dict[str, int]]:
    """The counts by the definition, pair by pair, read back through the ORM."""

    def people(film, role):
        return set(film.credits.filter(role=role).values_list("person_id", flat=True))

    features = {
        film.id: {
            "actors": people(film, Credit.Role.ACTOR),
            "directors": people(film, Credit.Role.DIRECTOR),
            "genres": set(film.genres.values_list("id", flat=True)),
            "themes": set(film.themes.values_list("id", flat=True)),
        }
        for film in Film.objects.all()
    }
    counts = {film_id: {field: 0 for field in COUNT_FIELDS} for film_id in features}
    for a, b in combinations(features, 2):
        for kind in ("actors", "directors", "genres", "themes"):
            mine, theirs = features[a][kind], features[b][kind]
            if mine & theirs:
                counts[a][f"{kind}_count"] += 1
                counts[b][f"{kind}_count"] += 1
            if kind in ("genres", "themes") and mine and mine == theirs:
                counts[a][f"same_{kind}_count"] += 1
                counts[b][f"same_{kind}_count"] += 1
    return counts


def stored_counts() -> dict[int, dict[str, int]]:
    return {
        row["film_id"]: {field: row[field] for field in COUNT_FIELDS}
        for row in FilmRecommendations.objects.values("film_id", *COUNT_FIELDS)
    }


def test_the_full_build_stores_exact_counts_for_every_film(catalog):
    build_all()

    expected = independent_counts()
    assert stored_counts() == expected
    # The catalog exercises every count, so the equality above is not all zeros.
    assert expected[catalog["one"].id] == {
        "actors_count": 4,  # two, four, five (Cage, Shue, Sands, Golino), seven (Golino)
        "directors_count": 2,  # two, three
        "genres_count": 7,  # two, three, four, five, seven, nine, eleven
        "same_genres_count": 1,  # four
        "themes_count": 4,  # four, seven, nine, ten
        "same_themes_count": 1,  # nine
    }


def test_a_person_is_counted_only_in_the_role_they_share(catalog):
    build_all()

    # O'Brien writes "one" and "two" and directs "seven": no other film shares its director.
    assert FilmRecommendations.objects.get(film=catalog["seven"]).directors_count == 0
    # Figgis acts in "six" and directs "one" to "three": only Hunter ("seven") is an actor
    # "six" shares, and only Campion ("nine") a director.
    six = FilmRecommendations.objects.get(film=catalog["six"])
    assert (six.actors_count, six.directors_count) == (1, 1)


def test_every_film_gets_a_row_even_with_nothing_to_share(catalog):
    build_all()

    assert FilmRecommendations.objects.count() == Film.objects.count()
    bare = FilmRecommendations.objects.get(film=catalog["twelve"])
    assert [getattr(bare, field) for field in COUNT_FIELDS] == [0] * 6
    assert bare.suggestions == []


def test_rebuilding_one_film_gives_the_full_builds_counts_and_suggestions(catalog):
    build_all()
    full = {
        row.film_id: ({f: getattr(row, f) for f in COUNT_FIELDS}, row.suggestions)
        for row in FilmRecommendations.objects.all()
    }
    # Not a comparison of empty lists: the catalog has ranked suggestions, one of them
    # found only through an identical set of genres.
    assert sum(len(suggestions) >= 2 for _, suggestions in full.values()) >= 3
    assert [s["id"] for s in full[catalog["thirteen"].id][1]] == [catalog["fourteen"].id]

    for film_id, (counts, suggestions) in full.items():
        row = rebuild_film(film_id)

        assert {f: getattr(row, f) for f in COUNT_FIELDS} == counts, film_id
        assert row.suggestions == suggestions, film_id


def test_a_rebuilt_film_reads_the_catalog_as_it_is_now(catalog):
    build_all()
    nine = catalog["nine"]
    Credit.objects.create(
        film=nine, person=Person.objects.get(name="Mike Figgis"), role=Credit.Role.DIRECTOR
    )

    rebuild_film(nine.id)

    expected = independent_counts()[nine.id]
    assert stored_counts()[nine.id] == expected
    assert expected["directors_count"] == 4  # one, two, three (Figgis) and six (Campion)


def test_counts_over_a_genre_shared_by_thousands_are_exact(db):
    # Above recommendations.index.SMALL_UNION postings the full build counts with a
    # bitmap rather than Python sets.
    drama = Genre.objects.create(name="Drama", slug="drama")
    crime = Genre.objects.create(name="Crime", slug="crime")
    dramas = add_bare_films(4200)
    Film.genres.through.objects.bulk_create(
        Film.genres.through(film=f, genre=drama) for f in dramas
    )
    crimes = add_bare_films(30)
    Film.genres.through.objects.bulk_create(
        Film.genres.through(film=f, genre=crime) for f in crimes + dramas[:20]
    )
    crime_drama = dramas[0]
    plain_drama = dramas[-1]

    build_all()

    assert FilmRecommendations.objects.get(film=crime_drama).genres_count == 4200 + 30 - 1
    assert FilmRecommendations.objects.get(film=crime_drama).same_genres_count == 20 - 1
    assert FilmRecommendations.objects.get(film=plain_drama).genres_count == 4200 - 1
    assert FilmRecommendations.objects.get(film=plain_drama).same_genres_count == 4200 - 20 - 1
    crime_only = FilmRecommendations.objects.get(film=crimes[0])
    assert (crime_only.genres_count, crime_only.same_genres_count) == (30 + 20 - 1, 30 - 1)
    for film in (crime_drama, plain_drama, crimes[0]):
        built = FilmRecommendations.objects.get(film=film)
        row = rebuild_film(film.id)
        assert (row.genres_count, row.same_genres_count) == (
            built.genres_count,
            built.same_genres_count,
        )
