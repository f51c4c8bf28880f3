"""Cached pieces of pages, keyed so that they can never be stale.

A key holds the `updated_at` of every film the piece shows and the build time of the
suggestions it lists: a vote, an admin edit, an import or a rebuild changes one of them,
and the next request misses and renders afresh. Nothing has to be deleted, so the same
rule holds with one worker's local memory or with Redis shared by many hosts; entries
that are no longer asked for simply expire.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext_lazy

from films.cards import card_facts

TIMEOUT = 24 * 60 * 60


def film_parts_key(film, request) -> str:
    """The parts of a film's page that show the film alone: its details, cast, summary
    and metadata (everything but the visitor's forms and the comments). The metadata
    holds absolute URLs: the host and scheme are part of the key."""
    parts = [str(film.pk), film.updated_at.isoformat(), get_language() or ""]
    parts += [request.scheme, request.get_host()]
    return _key("film-parts", parts)


def similar_section_key(film, record, shown: list[tuple]) -> str:
    """The film's similar section: `record` is its FilmRecommendations (or None), `shown`
    the (id, updated_at) of the suggested films it lists, in order."""
    parts = [
        str(film.pk),
        film.updated_at.isoformat(),
        record.built_at.isoformat() if record else "unbuilt",
        get_language() or "",
    ]
    parts += [f"{pk}@{updated_at.isoformat()}" for pk, updated_at in shown]
    return _key("similar-section", parts)


def person_page_key(person, films: dict, request) -> str:
    """The body of a person's page, the same for every visitor. `films`: the number of
    their credits and the newest `updated_at` of their films. Every change the page shows
    marks a film updated (a credit edited, a film or a collaborator renamed, by a curator
    or an import), or is the person's own row."""
    last_updated = films["last_updated"].isoformat() if films["last_updated"] else ""
    parts = [str(person.pk), person.name, person.slug, str(films["credits"]), last_updated]
    parts += [get_language() or "", request.scheme, request.get_host(), request.get_full_path()]
    return _key("person-page", parts)


def _key(kind: str, parts: list[str]) -> str:
    return f"{kind}:{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:32]}"


def get(key: str):
    return cache.get(key)


def get_many(keys: list[str]) -> dict:
    return cache.get_many(keys)


def set(key: str, value) -> None:  # noqa: A001 - mirrors the cache API
    cache.set(key, value, TIMEOUT)


def set_many(values: dict) -> None:
    """Several pieces in one round trip to the cache."""
    if values:
        cache.set_many(values, TIMEOUT)


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
}


def add_card_bodies(films) -> None:
    """Give each film its card's body (facts, rating, synopsis) as `card_body`, from the
    cache when it holds the card for the film's updated_at; only the others have their
    facts read (films.cards: one statement for them all) and are rendered. A card is the
    same on every list, search and similar page: rendered once, not on every page, and
    without the request (its context processors took an eighth of a card's time)."""
    keys = {film.pk: film_card_key(film) for film in films}
    bodies = cache.get_many(list(keys.values())) if keys else {}
    missing = [film for film in films if keys[film.pk] not in bodies]
    if missing:
        facts = card_facts(missing, get_language() or "")
        labels = {name: str(label) for name, label in CARD_LABELS.items()}
        rendered = {
            keys[film.pk]: render_to_string(
                "includes/film_card_body.html",
                {"film": film, "facts": facts[film.pk], "labels": labels},
            )
            for film in missing
        }
        cache.set_many(rendered, TIMEOUT)
        bodies.update(rendered)
    for film in films:
        film.card_body = bodies[keys[film.pk]]
