"""What a film card shows besides the film's own row: its directors, lead actors, genres,
themes and countries, as links.

Cards are the catalog's most repeated piece (ten on a film page, twenty on a list), and a
page's cards are mostly not in the cache yet at 300,000 films. So the facts of all the
films of a page are read at once, as plain values, in one SQL statement: four ORM queries
took three times as long (11 ms against 3.6 for ten cards at 300,000 films), most of it
in building the queries and their rows, and model instances for every credit, person,
genre and theme had doubled that again.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext_lazy

from caching import fragments
from films.catalog.codes import translate_country_name, translate_genre_name
from films.catalog.models import (
    LEAD_ACTORS,
    Country,
    Credit,
    Film,
    Genre,
    Person,
    Theme,
    in_cast_order,
    in_language,
    page_url_maker,
)


@dataclass(frozen=True)
class CardLink:
    """A link on a card: what the `links` template filter takes, like a model instance."""

    url: str
    name: str

    def get_absolute_url(self) -> str:
        return self.url

    def __str__(self) -> str:
        return self.name


@dataclass
class CardFacts:
    directors: list[CardLink] = field(default_factory=list)
    lead_actors: list[CardLink] = field(default_factory=list)
    genres: list[CardLink] = field(default_factory=list)
    genre_names: list[str] = field(default_factory=list)  # as the catalog names them
    themes: list[CardLink] = field(default_factory=list)
    countries: list[CardLink] = field(default_factory=list)


# The kind of each row of the statement: a credit's role, or one of these.
GENRE_ROW, THEME_ROW, COUNTRY_ROW = 10, 11, 12


def card_facts(films: list[Film], language: str) -> dict[int, CardFacts]:
    """Each film's CardFacts, by film id, in the order its page shows them: credits by
    role and billing order, the rest by name."""
    facts = {film.pk: CardFacts() for film in films}
    if not facts:
        return facts
    unbilled = [film.pk for film in films if not film.cast_in_billing_order]
    person_url = page_url_maker("films:person", "slug", "pk")
    genre_url = page_url_maker("films:genre", "slug")
    theme_url = page_url_maker("films:theme", "slug")
    country_url = page_url_maker("films:country", "code")
    actors = defaultdict(list)
    rows = _fact_rows(list(facts), unbilled)
    for film_id, kind, person_id, key, name, film_count, names in rows:
        card = facts[film_id]
        if kind == Credit.Role.DIRECTOR:
            card.directors.append(CardLink(person_url(key, person_id), name))
        elif kind == Credit.Role.ACTOR:
            link = CardLink(person_url(key, person_id), name)
            actors[film_id].append(((film_count, name), link))
        elif kind == GENRE_ROW:
            card.genre_names.append(name)
            local = in_language(_decoded(names), language) or translate_genre_name(name, language)
            card.genres.append(CardLink(genre_url(key), local))
        elif kind == THEME_ROW:
            card.themes.append(
                CardLink(theme_url(key), in_language(_decoded(names), language) or name)
            )
        elif kind == COUNTRY_ROW:
            name = translate_country_name(name, language)
            card.countries.append(CardLink(country_url(key.lower()), name))
        else:
            raise ValueError(f"a card row of an unknown kind: {kind}")
    for film in films:
        # Of a film whose source gives no billing order, all its actors were read.
        cast = in_cast_order(
            actors.get(film.pk, []),
            in_billing_order=film.cast_in_billing_order,
            known_by=lambda actor: actor[0],
        )
        facts[film.pk].lead_actors = [link for _, link in cast[:LEAD_ACTORS]]
    return facts


def _decoded(names) -> dict:
    """A JSON column as a cursor gives it (text) as the ORM would (a dict)."""
    return NAMES_FIELD.from_db_value(names, None, connection) if names else {}


NAMES_FIELD = Genre._meta.get_field("names")


def _fact_rows(film_ids: list[int], unbilled: list[int]) -> list[tuple]:
    """(film id, kind, person id, slug or code, name, person's film count, names in other
    languages) of the films' directors, actors (the leads of a billed cast, every actor of
    an unbilled one), genres, themes and countries, in order."""
    ids = ", ".join(["%s"] * len(film_ids))
    unbilled_actors = f" OR c.film_id IN ({', '.join(['%s'] * len(unbilled))})" if unbilled else ""
    q = connection.ops.quote_name
    credit, person = q(Credit._meta.db_table), q(Person._meta.db_table)
    # Columns: film, kind, person, slug or code, name, film count, names (typed in the
    # first branch, which types a UNION's columns on PostgreSQL); then what orders them
    # (position and credit id for credits, name for the rest).
    no_names = f"CAST(NULL AS {NAMES_FIELD.cast_db_type(connection)})"
    selects = [
        f"SELECT c.film_id, c.role, c.person_id, p.slug, p.name, p.film_count, {no_names}, "
        f"c.position, c.id FROM {credit} c JOIN {person} p ON p.id = c.person_id "
        f"WHERE c.film_id IN ({ids}) AND (c.role = {Credit.Role.DIRECTOR:d} OR "
        f"(c.role = {Credit.Role.ACTOR:d} AND (c.position < {LEAD_ACTORS:d}{unbilled_actors})))"
    ]
    for kind, model, relation, key in (
        (GENRE_ROW, Genre, Film.genres, "slug"),
        (THEME_ROW, Theme, Film.themes, "slug"),
        (COUNTRY_ROW, Country, Film.countries, "code"),
    ):
        link = relation.through._meta
        to = q(link.get_field(model._meta.model_name).column)
        # Looked up by primary key for each link: a join made PostgreSQL hash all 3,000
        # themes for the thirty a page names (1.7 ms against 0.3).
        lookup = f"FROM {q(model._meta.db_table)} v WHERE v.{q(model._meta.pk.column)} = l.{to}"
        names = f"(SELECT v.names {lookup})" if model is not Country else "NULL"
        selects.append(
            f"SELECT l.film_id, {kind:d}, NULL, (SELECT v.{q(key)} {lookup}), "
            f"(SELECT v.name {lookup}), 0, {names}, 0, 0 FROM {q(link.db_table)} l "
            f"WHERE l.film_id IN ({ids})"
        )
    sql = " UNION ALL ".join(selects) + " ORDER BY 2, 8, 9, 5, 4"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*film_ids, *unbilled, *film_ids * 3])
        return [row[:7] for row in cursor.fetchall()]


# A card's tile takes a colour from the film's main genre: the first of these words found
# in its genres' names, the most telling first ("Animation, Comedy" is an animation).
# Colours that keep white text legible (4.5:1 at least) in light and dark mode.
TILE_COLOURS = (
    ("animat", "sky"),
    ("documentar", "slate"),
    ("horror", "night"),
    ("science", "teal"),
    ("sci-fi", "teal"),
    ("western", "brown"),
    ("music", "magenta"),
    ("war", "olive"),
    ("crime", "stone"),
    ("thriller", "blue"),
    ("mystery", "indigo"),
    ("fantas", "violet"),
    ("roman", "rose"),
    ("comed", "amber"),
    ("adventure", "green"),
    ("action", "orange"),
    ("drama", "red"),
    ("histor", "brown"),
    ("biograph", "brown"),
)
# Genres none of the words names: a colour of these, always the same for the same genre.
OTHER_TILE_COLOURS = ("sky", "teal", "indigo", "violet", "green", "slate", "olive", "rose")


def tile_colour(genres: list[str]) -> str:
    """The colour of a card's tile, from the names of the film's genres."""
    names = [name.lower() for name in genres]
    for word, colour in TILE_COLOURS:
        if any(word in name for name in names):
            return colour
    if not names:
        return "plain"
    checksum = sum(names[0].encode())  # stable across processes, unlike hash()
    return OTHER_TILE_COLOURS[checksum % len(OTHER_TILE_COLOURS)]


def film_card_key(film) -> str:
    return f"film-card:{film.pk}:{film.updated_at.timestamp()}:{get_language() or ''}"


# The labels of a card's facts, translated once for the cards of a page rather than on
# each card ({% translate %} took 7 µs a label, sixty times a film page).
CARD_LABELS = {
    "duration": gettext_lazy("Duration"),
    "directors": gettext_lazy("Directed by"),
    "origin": gettext_lazy("Origin"),
    "genres": gettext_lazy("Genres"),
    "themes": gettext_lazy("Themes"),
    "actors": gettext_lazy("Actors"),
    "original": gettext_lazy("Original title:"),
}


def add_card_bodies(films) -> None:
    """Give each film its card's body (facts, rating, synopsis) as `card_body`, from the
    cache when it holds the card for the film's updated_at; only the others have their
    facts read (pages.cards: one statement for them all) and are rendered. A card is the
    same on every list, search and similar page: rendered once, not on every page, and
    without the request (its context processors took an eighth of a card's time)."""
    keys = {film.pk: film_card_key(film) for film in films}
    bodies = fragments.get_many(list(keys.values())) if keys else {}
    missing = [film for film in films if keys[film.pk] not in bodies]
    if missing:
        facts = card_facts(missing, get_language() or "")
        labels = {name: str(label) for name, label in CARD_LABELS.items()}
        rendered = {
            keys[film.pk]: render_to_string(
                "includes/film_card_body.html",
                {
                    "film": film,
                    "facts": facts[film.pk],
                    "labels": labels,
                    "tile": tile_colour(facts[film.pk].genre_names),
                },
            )
            for film in missing
        }
        fragments.set_many(rendered)
        bodies.update(rendered)
    for film in films:
        film.card_body = bodies[keys[film.pk]]
