"""The catalog format's second version (docs/catalog-format.md, Versions): titles per
language, named genres, themes and series, a series' ordinal, links, a synopsis's licence.
The lines are made for the tests."""

import pytest

from films.catalog.models import Film, Genre, Person, Theme
from tests.catalog.conftest import film_line

DRAMA = {"id": "wikidata:Q130232", "name": "Drama", "names": {"fr": "drame"}}
ALCOHOLISM = {"id": "wikidata:Q15326", "name": "alcoholism", "names": {"fr": "alcoolisme"}}


def test_it_keeps_titles_links_series_and_the_synopsis_licence(import_lines):
    import_lines(
        film_line(
            1,
            title="The Godfather",
            titles={"fr": "Le Parrain", "de": "Der Pate"},
            series={
                "id": "wikidata:Q2",
                "name": "The Godfather",
                "names": {"fr": "Le Parrain"},
                "ordinal": 1,
            },
            links={
                "imdb": "tt0068646",
                "wikidata": "Q47703",
                "tmdb": "238",
                "wikipedia_en": "The Godfather",
                "wikipedia_fr": "Le Parrain",
                "letterboxd": "the-godfather",
            },
            synopsis="A crime family.",
            synopsis_source="Wikipedia",
            synopsis_license="CC BY-SA 4.0",
            synopsis_url="https://en.wikipedia.org/wiki/The_Godfather",
        )
    )

    film = Film.objects.get()
    assert film.titles == {"fr": "Le Parrain", "de": "Der Pate"}
    assert (film.series, film.series_ordinal, film.series_names) == (
        "The Godfather",
        1,
        {"fr": "Le Parrain"},
    )
    # A kind of link the site does not know is left out.
    assert film.links == {
        "imdb": "tt0068646",
        "wikidata": "Q47703",
        "tmdb": "238",
        "wikipedia_en": "The Godfather",
        "wikipedia_fr": "Le Parrain",
    }
    assert (film.synopsis_license, film.synopsis_url) == (
        "CC BY-SA 4.0",
        "https://en.wikipedia.org/wiki/The_Godfather",
    )


def test_a_series_ordinal_may_be_written_as_text(import_lines):
    import_lines(film_line(1, series={"name": "Alien", "ordinal": "3"}))

    assert Film.objects.get().series_ordinal == 3


def test_genres_and_themes_given_with_ids_keep_their_names_in_other_languages(import_lines):
    import_lines(film_line(1, genres=[DRAMA, "Romance"], themes=[ALCOHOLISM]))

    drama = Genre.objects.get(name="Drama")
    assert (drama.external_id, drama.names) == ("wikidata:Q130232", {"fr": "drame"})
    assert Genre.objects.get(name="Romance").external_id is None
    assert Theme.objects.get().names == {"fr": "alcoolisme"}
    assert sorted(g.name for g in Film.objects.get().genres.all()) == ["Drama", "Romance"]


def test_a_genre_known_by_its_name_takes_the_id_a_later_catalog_gives_it(import_lines):
    import_lines(film_line(1, genres=["drama"]))
    genre = Genre.objects.get()

    import_lines(film_line(2, genres=[DRAMA]))

    genre.refresh_from_db()
    assert (genre.name, genre.external_id, genre.names) == ("drama", DRAMA["id"], {"fr": "drame"})
    assert Genre.objects.count() == 1
    assert list(Film.objects.get(external_id="test:film-2").genres.all()) == [genre]


def test_a_genre_renamed_under_its_id_keeps_its_row_and_address(import_lines):
    import_lines(film_line(1, genres=[DRAMA]))
    genre = Genre.objects.get()

    import_lines(
        film_line(1, genres=[{**DRAMA, "name": "Drama film", "names": {"fr": "film dramatique"}}])
    )

    renamed = Genre.objects.get()
    assert (renamed.pk, renamed.slug) == (genre.pk, genre.slug)
    assert (renamed.name, renamed.names) == ("Drama film", {"fr": "film dramatique"})


def test_a_bare_name_and_an_id_naming_one_genre_in_a_line_make_one_genre(import_lines):
    import_lines(film_line(1, genres=["Drama", DRAMA]))

    assert Genre.objects.count() == 1
    assert Film.objects.get().genres.count() == 1


def test_people_keep_their_links_and_a_later_line_may_correct_them(import_lines):
    cage = {"id": "wikidata:Q42869", "name": "Nicolas Cage", "links": {"imdb": "nm0000115"}}
    import_lines(film_line(1, cast=[cage]), film_line(2, cast=[{**cage, "links": {}}]))
    assert Person.objects.get().links == {"imdb": "nm0000115"}

    import_lines(film_line(3, cast=[{**cage, "links": {"imdb": "nm0000116"}}]))

    assert Person.objects.get().links == {"imdb": "nm0000116"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"links": {"imdb": "0068646"}}, "field 'links.imdb': '0068646' is not a IMDb id"),
        ({"links": ["tt0068646"]}, "field 'links': must be an object, not a list"),
        ({"titles": {"French": "Le Parrain"}}, "'French' is not a language code"),
        ({"titles": {"fr": ""}}, "field 'titles.fr': must be a non-empty string"),
        ({"genres": [{"names": {"fr": "drame"}}]}, "field 'genres[0].name': is required"),
        ({"series": {"name": "Alien", "ordinal": 0}}, "field 'series.ordinal': must be between"),
        ({"series": {"name": "Alien", "ordinal": "2a"}}, "field 'series.ordinal': must be a whole"),
        ({"synopsis_url": "javascript:alert(1)"}, "field 'synopsis_url': must be a web address"),
        (
            {"cast": [{"name": "N. Cage", "links": {"imdb": "tt0068646"}}]},
            "field 'cast[0].links.imdb'",
        ),
    ],
)
def test_a_malformed_field_of_the_second_version_is_named(failing_import, fields, message):
    error, stderr = failing_import(film_line(1, **fields))

    assert message in stderr
    assert not Film.objects.exists()


def test_a_first_version_line_means_what_it_meant(import_lines):
    import_lines(film_line(1, genres=["Drama"], themes=["Alcoholism"], series="Alien"))

    film = Film.objects.get()
    assert (film.series, film.series_ordinal, film.titles, film.links) == ("Alien", None, {}, {})
    assert Genre.objects.get().names == {}


def test_an_unknown_field_is_still_ignored(import_lines):
    import_lines(film_line(1, poster="https://example.org/poster.jpg"))

    assert Film.objects.count() == 1


def test_a_genre_with_an_id_keeps_it_when_another_id_names_it_too(import_lines):
    import_lines(film_line(1, genres=[DRAMA]))
    # Another id whose name is the same genre's: that genre, and its id stays.
    import_lines(film_line(2, genres=[{"id": "wikidata:Q1", "name": "drama"}]))
    import_lines(film_line(3, genres=[{"id": "wikidata:Q130232", "name": "Drama"}]))

    assert list(Genre.objects.values_list("name", "external_id")) == [("Drama", DRAMA["id"])]
    assert {film.genres.get().name for film in Film.objects.all()} == {"Drama"}


def test_films_of_a_genre_renamed_by_an_import_are_shown_again(import_lines):
    import_lines(film_line(1, genres=[DRAMA]), film_line(2, genres=["Comedy"]))
    before = dict(Film.objects.values_list("external_id", "updated_at"))

    import_lines(
        film_line(1, genres=[{**DRAMA, "names": {"fr": "film dramatique"}}]),
        film_line(2, genres=["Comedy"]),
    )

    after = dict(Film.objects.values_list("external_id", "updated_at"))
    # Cached pieces of a film key on updated_at: the drama's must change, not the comedy's.
    assert after["test:film-1"] > before["test:film-1"]
    assert after["test:film-2"] == before["test:film-2"]
