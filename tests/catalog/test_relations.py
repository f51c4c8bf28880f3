"""films.catalog.relations: a film's own relations in one statement, as prefetch_related
would give them."""

from django.db.models import Prefetch

from films.catalog.models import Country, Credit, Film, Language
from films.catalog.relations import load_relations
from tests.conftest import make_film, make_person

# What load_relations must give, read the ORM's way: the contract of films.catalog.relations.
PREFETCHED = [
    Prefetch("genres", to_attr="all_genres"),
    Prefetch("themes", to_attr="all_themes"),
    Prefetch("countries", to_attr="all_countries"),
    Prefetch("languages", to_attr="all_languages"),
    Prefetch(
        "credits",
        queryset=Credit.objects.select_related("person").order_by("role", "position", "id"),
        to_attr="all_credits",
    ),
]


def _film_with_everything() -> Film:
    # Names in another order than their codes: ordered by name, as the ORM does.
    Country.objects.create(code="CH", name="Switzerland")
    Country.objects.create(code="DE", name="Germany")
    film = make_film(
        title="Heat",
        genres=["Thriller", "Crime", "Drama"],
        themes=["Obsession", "Betrayal"],
        countries=["CH", "DE"],
        directors=["Michael Mann"],
        writers=["Michael Mann"],
        cast=["Al Pacino", "Robert De Niro", "Val Kilmer"],
    )
    film.languages.set(
        [
            Language.objects.create(code="de", name="German"),
            Language.objects.create(code="fr", name="French"),
        ]
    )
    # Two actors billed at the same position: the older credit first, as the ORM orders.
    Credit.objects.create(
        film=film,
        person=make_person("Ashley Judd"),
        role=Credit.Role.ACTOR,
        position=1,
        character="Charlene",
    )
    make_film(title="Another", genres=["Comedy", "Documentary"], cast=["Somebody Else"])
    return Film.objects.get(pk=film.pk)


def _fields(instance) -> list:
    """Every field's value, with its type: a field read wrong, or not read (deferred: a
    query), shows."""
    values = [getattr(instance, field.attname) for field in instance._meta.concrete_fields]
    return [(type(value).__name__, value) for value in values]


def _relations(film: Film) -> dict:
    return {
        "genres": [_fields(g) for g in film.all_genres],
        "themes": [_fields(t) for t in film.all_themes],
        "countries": [_fields(c) for c in film.all_countries],
        "languages": [_fields(lang) for lang in film.all_languages],
        "credits": [_fields(c) for c in film.all_credits],
        "people": [_fields(c.person) for c in film.all_credits],
        "directors": [p.name for p in film.directors],
        "cast": [c.person.name for c in film.cast],
    }


def test_it_reads_what_prefetch_related_reads_in_one_query(db, django_assert_num_queries):
    film = _film_with_everything()
    expected = _relations(Film.objects.prefetch_related(*PREFETCHED).get(pk=film.pk))

    with django_assert_num_queries(1):
        load_relations(film)
    with django_assert_num_queries(0):
        got = _relations(film)

    assert got == expected
    assert [g.name for g in film.all_genres] == ["Crime", "Drama", "Thriller"]
    assert [c.name for c in film.all_countries] == ["Germany", "Switzerland"]
    assert [lang.name for lang in film.all_languages] == ["French", "German"]
    assert got["cast"] == ["Al Pacino", "Robert De Niro", "Ashley Judd", "Val Kilmer"]
    assert all(credit.film is film for credit in film.all_credits)


def test_a_film_with_no_relations_has_empty_ones(db, django_assert_num_queries):
    film = make_film(title="Nothing Known")
    Country.objects.create(code="DE", name="Germany")
    make_film(title="Other", genres=["Drama"], countries=["DE"], cast=["Someone"])

    load_relations(film)

    with django_assert_num_queries(0):
        assert _relations(film) == {
            "genres": [],
            "themes": [],
            "countries": [],
            "languages": [],
            "credits": [],
            "people": [],
            "directors": [],
            "cast": [],
        }


def test_a_filter_on_a_loaded_relation_still_asks_the_database_for_this_film(
    db, django_assert_num_queries
):
    film = _film_with_everything()
    load_relations(film)

    with django_assert_num_queries(1):
        # The other film's Documentary is not among them.
        assert [g.name for g in film.genres.filter(name__startswith="D")] == ["Drama"]
