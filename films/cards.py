"""What a film card shows besides the film's own row: its directors, lead actors, genres,
themes and countries, as links.

Cards are the catalog's most repeated piece (ten on a film page, twenty on a list), and a
page's cards are mostly not in the cache yet at 300,000 films. So their facts are read
for all the films of a page at once, as plain values in four queries, without making a
model instance for every credit, person, genre and theme (half the time of a card).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from films.codes import translate_country_name
from films.models import LEAD_ACTORS, Credit, Film, best_known_first, page_url_maker


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
    themes: list[CardLink] = field(default_factory=list)
    countries: list[CardLink] = field(default_factory=list)


def card_facts(films: list[Film], language: str) -> dict[int, CardFacts]:
    """Each film's CardFacts, by film id, in the order its page shows them."""
    facts = {film.pk: CardFacts() for film in films}
    if not facts:
        return facts
    _add_people(facts, films)
    genre_url = page_url_maker("films:genre", "slug")
    theme_url = page_url_maker("films:theme", "slug")
    for film_id, name, slug in _named(Film.genres.through, "genre", facts):
        facts[film_id].genres.append(CardLink(genre_url(slug), name))
    for film_id, name, slug in _named(Film.themes.through, "theme", facts):
        facts[film_id].themes.append(CardLink(theme_url(slug), name))
    country_url = page_url_maker("films:country", "code")
    for film_id, name, code in _named(Film.countries.through, "country", facts, "code"):
        link = CardLink(country_url(code.lower()), translate_country_name(name, language))
        facts[film_id].countries.append(link)
    return facts


def _named(through, relation: str, facts: dict, key: str = "slug"):
    """(film id, name, slug or code) of a film's genres, themes or countries, by name."""
    return (
        through.objects.filter(film_id__in=facts)
        .order_by(f"{relation}__name")
        .values_list("film_id", f"{relation}__name", f"{relation}__{key}")
    )


def _add_people(facts: dict, films: list[Film]) -> None:
    # Every director; of actors, the first LEAD_ACTORS in billing order, or every one of
    # a film whose source gives no billing order (the best known are its leads).
    billed = [film.pk for film in films if film.cast_in_billing_order]
    unbilled = [film.pk for film in films if not film.cast_in_billing_order]
    wanted = Q(role=Credit.Role.DIRECTOR, film_id__in=facts) | Q(
        role=Credit.Role.ACTOR, position__lt=LEAD_ACTORS, film_id__in=billed
    )
    if unbilled:
        wanted |= Q(role=Credit.Role.ACTOR, film_id__in=unbilled)
    credits = (
        Credit.objects.filter(wanted)
        .order_by("role", "position", "id")
        .values_list(
            "film_id", "role", "person_id", "person__slug", "person__name", "person__film_count"
        )
    )
    person_url = page_url_maker("films:person", "slug", "pk")
    actors = defaultdict(list)
    for film_id, role, person_id, slug, name, film_count in credits:
        link = CardLink(person_url(slug, person_id), name)
        if role == Credit.Role.DIRECTOR:
            facts[film_id].directors.append(link)
        else:
            actors[film_id].append((best_known_first(film_count, name), link))
    for film in films:
        cast = actors.get(film.pk, [])
        if not film.cast_in_billing_order:
            cast = sorted(cast, key=lambda actor: actor[0])
        facts[film.pk].lead_actors = [link for _, link in cast[:LEAD_ACTORS]]
