"""A film's own relations, as its page shows them, read in one SQL statement.

The page of a film shows its genres, themes, countries, languages and every credit with
its person; its sentences and the reasons of its similar films name them too. Read by
prefetch_related, that is five queries: a first visit to a film page took 34.2 ms that way
against 25.3 ms with this one statement, in one process at 300,000 films (2026-12-07,
docs/performance.md).

The contract, which the code that reads them relies on: `all_genres`, `all_themes`,
`all_countries` and `all_languages` hold the film's, by name; `all_credits` every credit
with its person, by role then billing position (Film.directors, .writers, .cast and
.lead_actors read it).
"""

from django.db import connection

from films.catalog.models import Country, Credit, Film, Genre, Language, Person, Theme

# The kind of each row of the statement: credits, then the vocabularies.
CREDIT_ROW, GENRE_ROW, THEME_ROW, COUNTRY_ROW, LANGUAGE_ROW = range(5)
VOCABULARIES = [
    (GENRE_ROW, Genre, Film.genres, "all_genres"),
    (THEME_ROW, Theme, Film.themes, "all_themes"),
    (COUNTRY_ROW, Country, Film.countries, "all_countries"),
    (LANGUAGE_ROW, Language, Film.languages, "all_languages"),
]
# All their fields, in their models' order (Model.from_db takes them so).
CREDIT_FIELDS = [field.attname for field in Credit._meta.concrete_fields]
PERSON_FIELDS = [field.attname for field in Person._meta.concrete_fields]
# A vocabulary row: its id (genres, themes) or code (countries, languages), name, and for
# genres and themes their slug, catalog id and names in other languages.
VOCABULARY_FIELDS = [
    Theme._meta.pk,
    Country._meta.pk,
    Theme._meta.get_field("name"),
    Theme._meta.get_field("slug"),
    Theme._meta.get_field("external_id"),
    Theme._meta.get_field("names"),
]
VOCABULARY_COLUMNS = len(VOCABULARY_FIELDS)


def load_relations(film: Film) -> None:
    """Read the film's genres, themes, countries, languages and credits with their people,
    and store them on it as the module's contract says."""
    alias = connection.alias
    credits, vocabularies = [], {kind: [] for kind, *_ in VOCABULARIES}
    models = {kind: model for kind, model, *_ in VOCABULARIES}
    for kind, *values in _rows(film.pk):
        if kind == CREDIT_ROW:
            credit = Credit.from_db(alias, CREDIT_FIELDS, values[: len(CREDIT_FIELDS)])
            person = values[len(CREDIT_FIELDS) : -VOCABULARY_COLUMNS]
            credit.person = Person.from_db(alias, PERSON_FIELDS, _decoded(Person, person))
            credit.film = film
            credits.append(credit)
        elif kind in models:
            pk, code, name, slug, external_id, names = values[-VOCABULARY_COLUMNS:]
            model = models[kind]
            if _keyed_by_code(model):
                instance = model.from_db(alias, ["code", "name"], [code, name])
            else:
                names = Theme._meta.get_field("names").from_db_value(names, None, connection)
                fields = ["id", "name", "slug", "external_id", "names"]
                instance = model.from_db(alias, fields, [pk, name, slug, external_id, names])
            vocabularies[kind].append(instance)
        else:
            raise ValueError(f"a relation row of an unknown kind: {kind}")
    film.all_credits = credits
    for kind, _, _, attribute in VOCABULARIES:
        setattr(film, attribute, vocabularies[kind])


def _decoded(model, values) -> list:
    """A row's values as the ORM would give them: JSON decoded (a cursor gives text)."""
    return [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(model._meta.concrete_fields, values, strict=True)
    ]


def _keyed_by_code(model) -> bool:
    return model._meta.pk.name == "code"


def _rows(film_id: int) -> list[tuple]:
    q = connection.ops.quote_name
    credit, person = q(Credit._meta.db_table), q(Person._meta.db_table)
    credit_columns = [f"c.{q(Credit._meta.get_field(name).column)}" for name in CREDIT_FIELDS]
    person_columns = [f"p.{q(Person._meta.get_field(name).column)}" for name in PERSON_FIELDS]
    credit_nulls = ["NULL"] * (len(credit_columns) + len(person_columns))
    # PostgreSQL types a UNION's columns from the left, pair by pair: a column that is only
    # NULL in the first branches is taken for text, and a bigint after it fails. So the
    # first branch gives every column its type.
    typed_nulls = [f"CAST(NULL AS {f.cast_db_type(connection)})" for f in VOCABULARY_FIELDS]
    selects = [
        f"SELECT {CREDIT_ROW:d}, {', '.join(credit_columns + person_columns)}, "
        f"{', '.join(typed_nulls)} "
        f"FROM {credit} c JOIN {person} p ON p.id = c.person_id WHERE c.film_id = %s"
    ]
    for kind, model, relation, _ in VOCABULARIES:
        link = relation.through._meta
        to = q(link.get_field(model._meta.model_name).column)
        pk = q(model._meta.pk.column)
        if _keyed_by_code(model):
            key = f"NULL, v.{pk}, v.name, NULL, NULL, NULL"
        else:
            key = f"v.{pk}, NULL, v.name, v.slug, v.external_id, v.names"
        selects.append(
            f"SELECT {kind:d}, {', '.join(credit_nulls)}, {key} "
            f"FROM {q(link.db_table)} l JOIN {q(model._meta.db_table)} v ON v.{pk} = l.{to} "
            f"WHERE l.film_id = %s"
        )
    # Credits by role, billing position and id; vocabularies by name (Meta.ordering).
    role, position, credit_id = (2 + CREDIT_FIELDS.index(f) for f in ("role", "position", "id"))
    name = 2 + len(credit_nulls) + 2
    sql = " UNION ALL ".join(selects) + f" ORDER BY 1, {role}, {position}, {credit_id}, {name}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [film_id] * len(selects))
        return cursor.fetchall()
