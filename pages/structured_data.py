"""schema.org JSON-LD for film and person pages, built as plain dicts.

Templates embed the result with the `json_ld` filter (pages/templatetags/seo.py), which
escapes what could close the <script> element. Nothing here queries the database: the
film must come with the film page's prefetches (genres, countries, languages and
`all_credits`, see films.catalog.relations).
"""

from films.catalog.models import Film, Person, ReleaseDatePrecision

SCHEMA_CONTEXT = "https://schema.org"
# The rating scale of Film.rating_average (see films/ratings.py): the catalog's figure can
# be anything from 0 to 5, so 0 is stated rather than leaving schema.org's default of 1.
BEST_RATING = 5
WORST_RATING = 0
ACTORS_IN_JSON_LD = 10


def iso_duration(minutes: int | None) -> str | None:
    """112 -> "PT1H52M", 45 -> "PT45M", 120 -> "PT2H" (ISO 8601)."""
    if not minutes:
        return None
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")


def date_published(film: Film) -> str | None:
    """The release date as precisely as it is known: "1995-10-27", "1995-10" or "1995"."""
    date = film.release_date
    if date is None:
        return str(film.year) if film.year else None
    if film.release_date_precision == ReleaseDatePrecision.YEAR:
        return f"{date:%Y}"
    if film.release_date_precision == ReleaseDatePrecision.MONTH:
        return f"{date:%Y-%m}"
    # A date without a precision is a full date, as pages.sentences.release_phrase reads it.
    return date.isoformat()


def _person(person: Person, request) -> dict:
    return {
        "@type": "Person",
        "name": person.name,
        "url": request.build_absolute_uri(person.get_absolute_url()),
    }


def movie_json_ld(film: Film, request) -> dict:
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Movie",
        "name": film.title,
        "url": request.build_absolute_uri(film.get_absolute_url()),
    }
    if film.original_title and film.original_title != film.title:
        data["alternateName"] = film.original_title
    optional = {
        "datePublished": date_published(film),
        "duration": iso_duration(film.runtime),
        "description": film.synopsis.strip(),
        "director": [_person(p, request) for p in film.directors],
        "actor": [_person(c.person, request) for c in film.cast[:ACTORS_IN_JSON_LD]],
        "genre": [g.name for g in film.all_genres],
        "countryOfOrigin": [{"@type": "Country", "name": c.name} for c in film.all_countries],
        "inLanguage": [language.code for language in film.all_languages],
    }
    data.update((key, value) for key, value in optional.items() if value)
    # No rating is better than a rating of nothing: search engines reject a count of 0.
    if film.rating_count and film.rating_average is not None:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(float(film.rating_average), 2),
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "ratingCount": film.rating_count,
        }
    return data


def person_json_ld(person: Person, request) -> dict:
    return {"@context": SCHEMA_CONTEXT, **_person(person, request)}
