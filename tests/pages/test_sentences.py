"""The sentences made from the data: the film summary, the counts of similar films and
the reasons a film is suggested. Grammatical whatever is missing, never "None"."""

import datetime

import pytest

from films.catalog.models import Country, Film, Person
from pages.sentences import (
    film_summary,
    genre_phrase,
    indefinite_article,
    join_names,
    reasons,
    similar_counts,
)
from recommendations.models import FilmRecommendations
from tests.conftest import film_with_relations, make_film

VEGAS = (
    "Leaving Las Vegas is a 1995 American romantic drama film directed by Mike Figgis, "
    "released on 27 October 1995, starring Nicolas Cage and Elisabeth Shue."
)


def leaving_las_vegas(**overrides) -> Film:
    fields = {
        "title": "Leaving Las Vegas",
        "year": 1995,
        "countries": ["US"],
        "genres": ["Drama", "Romance"],
        "directors": ["Mike Figgis"],
        "cast": ["Nicolas Cage", "Elisabeth Shue", "Julian Sands"],
        "release_date": datetime.date(1995, 10, 27),
        "release_date_precision": "day",
        "cast_in_billing_order": True,
    }
    fields.update(overrides)
    return make_film(**fields)


def summary_of(film: Film) -> str:
    # As the film page reads it: everything prefetched.
    return film_summary(film_with_relations(film.pk))


# --- film_summary ---------------------------------------------------------------------


def test_the_summary_says_what_when_where_who(db):
    assert summary_of(leaving_las_vegas()) == VEGAS


@pytest.mark.parametrize(
    "missing, expected",
    [
        (
            {"year": None},
            "Leaving Las Vegas is an American romantic drama film directed by Mike Figgis, "
            "released on 27 October 1995, starring Nicolas Cage and Elisabeth Shue.",
        ),
        (
            {"countries": []},
            "Leaving Las Vegas is a 1995 romantic drama film directed by Mike Figgis, "
            "released on 27 October 1995, starring Nicolas Cage and Elisabeth Shue.",
        ),
        (
            {"genres": []},
            "Leaving Las Vegas is a 1995 American film directed by Mike Figgis, "
            "released on 27 October 1995, starring Nicolas Cage and Elisabeth Shue.",
        ),
        (
            {"directors": []},
            "Leaving Las Vegas is a 1995 American romantic drama film, "
            "released on 27 October 1995, starring Nicolas Cage and Elisabeth Shue.",
        ),
        (
            {"cast": []},
            "Leaving Las Vegas is a 1995 American romantic drama film directed by Mike Figgis, "
            "released on 27 October 1995.",
        ),
        (
            {"release_date": None, "release_date_precision": ""},
            "Leaving Las Vegas is a 1995 American romantic drama film directed by Mike Figgis, "
            "starring Nicolas Cage and Elisabeth Shue.",
        ),
    ],
    ids=lambda value: "no-" + "-".join(value) if isinstance(value, dict) else None,
)
def test_the_summary_drops_what_is_missing_and_stays_a_sentence(db, missing, expected):
    summary = summary_of(leaving_las_vegas(**missing))

    assert summary == expected
    assert "None" not in summary


def test_a_film_with_nothing_but_a_title_is_a_film(db):
    film = Film.objects.create(title="Untitled", external_id="test:untitled", year=None)

    assert summary_of(film) == "Untitled is a film."


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"year": None, "countries": ["US"]}, "X is an American film."),
        ({"year": 1895}, "X is an 1895 film."),
        ({"year": 1880}, "X is an 1880 film."),
        ({"year": 1995}, "X is a 1995 film."),
        ({"year": 1911}, "X is a 1911 film."),
        ({"year": 2008}, "X is a 2008 film."),
        ({"year": None, "genres": ["Animation"]}, "X is an animated film."),
        ({"year": None, "genres": ["Action"]}, "X is an action film."),
        ({"year": None, "genres": ["Drama"]}, "X is a drama film."),
        ({"year": None, "countries": ["IT"]}, "X is an Italian film."),
        ({"year": None, "countries": ["UA"]}, "X is a Ukrainian film."),
        ({"year": None, "countries": ["GB"]}, "X is a British film."),
    ],
)
def test_the_summary_uses_a_or_an_as_the_phrase_sounds(db, fields, expected):
    assert summary_of(make_film(title="X", **fields)) == expected


@pytest.mark.parametrize(
    "phrase, article",
    [
        ("American film", "an"),
        ("1895 film", "an"),
        ("1995 film", "a"),
        ("8 film", "an"),
        ("animated film", "an"),
        ("Uzbek film", "an"),
        ("Ukrainian film", "a"),
        ("film", "a"),
    ],
)
def test_the_indefinite_article_follows_the_sound(phrase, article):
    assert indefinite_article(phrase) == article


@pytest.mark.parametrize(
    "directors, shown",
    [
        (["Joel Coen", "Ethan Coen"], "directed by Joel Coen and Ethan Coen,"),
        (
            ["Jan Pinkava", "Brad Bird", "Chris Wedge"],
            "directed by Jan Pinkava, Brad Bird and Chris Wedge,",
        ),
    ],
)
def test_several_directors_are_listed_with_and(db, directors, shown):
    assert shown in summary_of(leaving_las_vegas(directors=directors))


def test_a_month_precise_date_gives_the_month(db):
    film = leaving_las_vegas(
        release_date=datetime.date(1995, 10, 1), release_date_precision="month"
    )

    assert summary_of(film) == (
        "Leaving Las Vegas is a 1995 American romantic drama film directed by Mike Figgis, "
        "released in October 1995, starring Nicolas Cage and Elisabeth Shue."
    )


def test_a_year_precise_date_says_nothing_the_year_does_not_already_say(db):
    film = leaving_las_vegas(release_date=datetime.date(1995, 1, 1), release_date_precision="year")

    summary = summary_of(film)

    assert "released" not in summary
    assert summary == (
        "Leaving Las Vegas is a 1995 American romantic drama film directed by Mike Figgis, "
        "starring Nicolas Cage and Elisabeth Shue."
    )


def test_a_cast_not_in_billing_order_names_no_stars(db):
    summary = summary_of(leaving_las_vegas(cast_in_billing_order=False))

    assert "starring" not in summary
    assert summary.endswith("released on 27 October 1995.")


def test_a_single_actor_is_starring_alone(db):
    assert summary_of(leaving_las_vegas(cast=["Nicolas Cage"])).endswith(", starring Nicolas Cage.")


def test_a_country_without_a_known_adjective_is_named_after_from(db):
    Country.objects.create(code="LI", name="Liechtenstein")

    film = make_film(title="X", year=2000, countries=["LI"], directors=["A. Director"])

    assert summary_of(film) == "X is a 2000 film from Liechtenstein directed by A. Director."


def test_two_known_countries_make_one_adjective(db):
    Country.objects.create(code="FR", name="France")
    Country.objects.create(code="US", name="United States")

    film = make_film(title="X", year=2000, countries=["US", "FR"], genres=["Comedy"])

    assert summary_of(film) == "X is a 2000 French-American comedy film."


def test_three_countries_are_named_after_from(db):
    for code, name in (("FR", "France"), ("DE", "Germany"), ("IT", "Italy")):
        Country.objects.create(code=code, name=name)

    film = make_film(title="X", year=None, countries=["IT", "FR", "DE"], genres=["Drama"])

    assert summary_of(film) == "X is a drama film from France, Germany and Italy."


# --- genre_phrase and join_names -------------------------------------------------------


@pytest.mark.parametrize(
    "genres, phrase",
    [
        ([], ""),
        (["Drama"], "drama"),
        (["Drama", "Romance"], "romantic drama"),
        (["Romance", "Drama"], "romantic drama"),
        (["Comedy", "Drama"], "comedy-drama"),
        (["Comedy", "Musical"], "musical comedy"),
        (["Drama", "Thriller"], "thriller drama"),
        (["Crime", "Thriller"], "crime thriller"),
        (["Sci-Fi"], "science fiction"),
        (["Giallo"], "giallo"),
        # Without a head genre the first one (by name) names the kind of film.
        (["Action", "Giallo"], "giallo action"),
    ],
)
def test_the_genre_phrase_puts_the_kind_of_film_last(genres, phrase):
    assert genre_phrase(genres) == phrase


@pytest.mark.parametrize(
    "names, joined",
    [([], ""), (["A"], "A"), (["A", "B"], "A and B"), (["A", "B", "C"], "A, B and C")],
)
def test_names_are_joined_with_commas_and_a_final_and(names, joined):
    assert join_names(names) == joined


# --- similar_counts -------------------------------------------------------------------


def record(suggestions=0, **counts) -> FilmRecommendations:
    fields = {f"{kind}_count": value for kind, value in counts.items()}
    return FilmRecommendations(suggestions=[{"id": 0}] * suggestions, **fields)


def counted_film(**overrides) -> Film:
    fields = {
        "title": "Leaving Las Vegas",
        "genres": ["Drama", "Romance"],
        "themes": ["Alcoholism"],
        "directors": ["Mike Figgis"],
        "cast": ["Nicolas Cage", "Elisabeth Shue"],
    }
    fields.update(overrides)
    return film_with_relations(make_film(**fields).pk)


def test_the_counts_sentence_gives_every_count_in_the_plural(db):
    counts = record(
        actors=12, directors=3, genres=250, same_genres=4, themes=5, same_themes=2, suggestions=9
    )

    assert similar_counts(counted_film(), counts) == (
        "12 other films share an actor with Leaving Las Vegas, and 3 share its director. "
        "250 films share at least one of its genres; 4 of them have exactly its 2 "
        "genres, Drama and Romance. "
        "5 films share its theme, Alcoholism; 2 of them have no other theme. "
        "The 9 films that share most with it are suggested."
    )


def test_the_counts_sentence_gives_every_count_of_one_in_the_singular(db):
    counts = record(
        actors=1, directors=1, genres=1, same_genres=1, themes=1, same_themes=1, suggestions=1
    )

    assert similar_counts(counted_film(), counts) == (
        "1 other film shares an actor with Leaving Las Vegas, and 1 shares its director. "
        "1 film shares at least one of its genres; 1 of them has exactly its 2 "
        "genres, Drama and Romance. "
        "1 film shares its theme, Alcoholism; 1 of them has no other theme. "
        "The film that shares most with it is suggested."
    )


def test_the_counts_sentence_says_zero_without_inventing_a_subset(db):
    counts = record(actors=0, directors=0, genres=0, same_genres=0, themes=0, same_themes=0)

    assert similar_counts(counted_film(), counts) == (
        "0 other films share an actor with Leaving Las Vegas, and 0 share its director. "
        "0 films share at least one of its genres. "
        "0 films share its theme, Alcoholism. "
        "None of them is close enough to be suggested."
    )


def test_one_genre_and_several_themes_read_the_other_way_round(db):
    film = counted_film(genres=["Drama"], themes=["Alcoholism", "Las Vegas"])
    counts = record(
        actors=2, directors=1, genres=7, same_genres=1, themes=3, same_themes=0, suggestions=2
    )

    assert similar_counts(film, counts) == (
        "2 other films share an actor with Leaving Las Vegas, and 1 shares its director. "
        "7 films share its genre, Drama; 1 of them has no other genre. "
        "3 films share at least one of its themes. "  # none with exactly its two: not said
        "The 2 films that share most with it are suggested."
    )


def test_several_directors_are_counted_as_one_of_its_directors(db):
    film = counted_film(directors=["Joel Coen", "Ethan Coen"])

    sentence = similar_counts(film, record(actors=2, directors=1))

    assert sentence.startswith(
        "2 other films share an actor with Leaving Las Vegas, and 1 shares one of its directors."
    )
    assert "and 4 share one of its directors." in similar_counts(film, record(directors=4))


def test_a_film_without_themes_or_genres_says_nothing_of_them(db):
    # A catalog without themes would say "no themes yet" on every film.
    film = counted_film(genres=[], themes=[])

    sentence = similar_counts(film, record(actors=2, directors=1, suggestions=2))

    assert sentence == (
        "2 other films share an actor with Leaving Las Vegas, and 1 shares its director. "
        "The 2 films that share most with it are suggested."
    )


def test_a_film_without_director_does_not_mention_one(db):
    sentence = similar_counts(counted_film(directors=[]), record(actors=2, suggestions=1))

    assert sentence.startswith("2 other films share an actor with Leaving Las Vegas. 0 films")
    assert "director" not in sentence


def test_a_film_without_cast_or_director_says_its_cast_is_unknown(db):
    sentence = similar_counts(counted_film(cast=[], directors=[]), record())

    assert sentence.startswith("The cast of Leaving Las Vegas is not known yet. ")


def test_a_film_without_cast_still_says_what_shares_its_director(db):
    sentence = similar_counts(counted_film(cast=[]), record(directors=3))

    assert "3 other films share its director" in sentence


def test_large_counts_have_thousands_separators(db):
    film = counted_film(genres=["Drama"])
    counts = record(actors=12345, directors=1, genres=120000, same_genres=45678, themes=1234)

    sentence = similar_counts(film, counts)

    assert sentence.startswith("12,345 other films share an actor with Leaving Las Vegas")
    assert "120,000 films share its genre, Drama; 45,678 of them have no other genre." in sentence
    assert "1,234 films share its theme, Alcoholism" in sentence


def test_many_suggestions_have_a_thousands_separator(db):
    assert similar_counts(counted_film(), record(suggestions=1500)).endswith(
        "The 1,500 films that share most with it are suggested."
    )


# --- reasons --------------------------------------------------------------------------


@pytest.fixture
def figgis_film(db):
    film = make_film(
        title="Leaving Las Vegas",
        series="Las Vegas stories",
        genres=["Drama", "Romance", "Crime"],
        themes=["Alcoholism", "Las Vegas"],
        directors=["Mike Figgis"],
        writers=["John O'Brien"],
        cast=["Nicolas Cage", "Elisabeth Shue", "Julian Sands", "Mike Figgis"],
    )
    return film_with_relations(film.pk)


def ids(*names):
    people = dict(Person.objects.filter(name__in=names).values_list("name", "id"))
    return [people[name] for name in names]


def genre_ids(film, *names):
    by_name = {g.name: g.id for g in film.genres.all()} | {t.name: t.id for t in film.themes.all()}
    return [by_name[name] for name in names]


def test_a_shared_director_is_named(figgis_film):
    assert reasons(figgis_film, {"directors": ids("Mike Figgis")}) == ["Same director: Mike Figgis"]


def test_shared_actors_are_named_in_the_order_given(figgis_film):
    assert reasons(figgis_film, {"actors": ids("Nicolas Cage")}) == ["Shared actor: Nicolas Cage"]
    assert reasons(figgis_film, {"actors": ids("Nicolas Cage", "Julian Sands")}) == [
        "Shared actors: Nicolas Cage and Julian Sands"
    ]


def test_many_shared_actors_are_the_first_four_of_the_cast_and_a_count(db):
    cast = [f"Actor {n}" for n in range(1, 9)]
    film = film_with_relations(make_film(title="The Godfather", cast=cast).pk)

    shared = reasons(film, {"actors": ids("Actor 8", "Actor 3", "Actor 1", "Actor 5", "Actor 6")})

    assert shared == ["Shared actors: Actor 1, Actor 3, Actor 5, Actor 6 and 1 more"]


def test_shared_actors_of_a_cast_without_billing_order_are_the_best_known_first(db):
    made = make_film(title="Ran", cast=["Akira", "Hisashi", "Tatsuya"], cast_in_billing_order=False)
    make_film(title="Kagemusha", cast=["Tatsuya", "Hisashi"])
    make_film(title="Harakiri", cast=["Tatsuya"])
    Person.objects.all().refresh_film_counts()
    film = film_with_relations(made.pk)

    assert reasons(film, {"actors": ids("Akira", "Hisashi", "Tatsuya")}) == [
        "Shared actors: Tatsuya, Hisashi and Akira"
    ]


def test_a_shared_writer_is_named(figgis_film):
    assert reasons(figgis_film, {"writers": ids("John O'Brien")}) == ["Same writer: John O'Brien"]


def test_a_director_who_also_acts_is_named_once(figgis_film):
    phrases = reasons(
        figgis_film,
        {"directors": ids("Mike Figgis"), "actors": ids("Julian Sands", "Mike Figgis")},
    )

    assert phrases == ["Same director: Mike Figgis", "Shared actor: Julian Sands"]


def test_a_director_who_is_the_only_shared_actor_leaves_no_actor_phrase(figgis_film):
    phrases = reasons(figgis_film, {"directors": ids("Mike Figgis"), "actors": ids("Mike Figgis")})

    assert phrases == ["Same director: Mike Figgis"]


def test_exactly_the_same_genres_are_called_the_same(figgis_film):
    shared = genre_ids(figgis_film, "Crime", "Drama", "Romance")

    assert reasons(figgis_film, {"genres": shared, "same_genres": True}) == [
        "Exactly its genres: Crime, Drama and Romance"
    ]


def test_some_shared_genres_are_counted(figgis_film):
    assert reasons(figgis_film, {"genres": genre_ids(figgis_film, "Crime", "Drama")}) == [
        "Genres in common: Crime and Drama"
    ]
    assert reasons(figgis_film, {"genres": genre_ids(figgis_film, "Drama")}) == [
        "Genre in common: Drama"
    ]


def test_shared_themes_are_named_like_genres(figgis_film):
    assert reasons(figgis_film, {"themes": genre_ids(figgis_film, "Alcoholism")}) == [
        "Theme in common: Alcoholism"
    ]
    both = genre_ids(figgis_film, "Alcoholism", "Las Vegas")
    assert reasons(figgis_film, {"themes": both}) == ["Themes in common: Alcoholism and Las Vegas"]
    assert reasons(figgis_film, {"themes": both, "same_themes": True}) == [
        "Exactly its themes: Alcoholism and Las Vegas"
    ]


def test_a_shared_series_comes_first_then_people_then_genres_and_themes(figgis_film):
    phrases = reasons(
        figgis_film,
        {
            "themes": genre_ids(figgis_film, "Alcoholism"),
            "genres": genre_ids(figgis_film, "Drama"),
            "actors": ids("Nicolas Cage"),
            "directors": ids("Mike Figgis"),
            "series": True,
        },
    )

    assert phrases == [
        "Same series: Las Vegas stories",
        "Same director: Mike Figgis",
        "Shared actor: Nicolas Cage",
        "Genre in common: Drama",
        "Theme in common: Alcoholism",
    ]


def test_ids_the_film_does_not_have_are_not_named(figgis_film):
    stranger = Person.objects.create(name="Not In This Film")

    assert reasons(figgis_film, {"actors": [stranger.id], "genres": [10**9]}) == []


def test_one_identical_genre_is_named_in_the_singular(db):
    film = film_with_relations(make_film(genres=["Drama"]).pk)

    drama = film.genres.get().id
    assert reasons(film, {"genres": [drama], "same_genres": True}) == ["Only its genre: Drama"]


def test_one_identical_theme_is_named_in_the_singular(db):
    film = film_with_relations(make_film(themes=["Revenge"]).pk)

    revenge = film.themes.get().id
    assert reasons(film, {"themes": [revenge], "same_themes": True}) == ["Only its theme: Revenge"]
