"""Search for films (title, original title) and people (name).

Titles and names are stored folded (films.text.searchable), so matching ignores case and
accents everywhere. Results rank exact matches, then prefix matches, then matches of a
whole word, then any other match; the better known come first within each rank (more
ratings for films, more films for people).

On PostgreSQL, trigram word similarity (pg_trgm, with GIN indexes made by migration
0003) also finds misspellings: "nicholas cage" finds Nicolas Cage. Elsewhere only
the exact, prefix and partial matches are found.
"""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from films.models import Film, Person
from films.text import searchable

MAX_QUERY_LENGTH = 100
# pg_trgm's word_similarity threshold; 0.6 is PostgreSQL's default for the <% operator.
TYPO_SIMILARITY = 0.5


def normalize_query(query: str) -> str:
    return searchable(query[: MAX_QUERY_LENGTH * 2])[:MAX_QUERY_LENGTH].strip()


def _uses_trigrams() -> bool:
    return connection.vendor == "postgresql"


def _ranked(queryset: QuerySet, fields: list[str], query: str, popularity: str) -> QuerySet:
    words = query.split()
    every_word = Q()
    for word in words:
        every_word &= Q(**{f"{fields[0]}__contains": word})
    matches = every_word
    for field in fields[1:]:
        other = Q()
        for word in words:
            other &= Q(**{f"{field}__contains": word})
        matches |= other

    rank_cases = []
    for field in fields:
        rank_cases += [
            When(**{field: query}, then=Value(0)),
            When(**{f"{field}__startswith": query}, then=Value(1)),
            When(**{f"{field}__contains": f" {query}"}, then=Value(2)),
        ]
    rank = Case(
        *rank_cases, When(matches, then=Value(3)), default=Value(4), output_field=IntegerField()
    )

    if _uses_trigrams():
        similarity = TrigramWordSimilarity(query, fields[0])
        typo = Q(**{f"{fields[0]}__trigram_word_similar": query})
        queryset = queryset.filter(matches | typo).annotate(match_rank=rank, similarity=similarity)
        queryset = queryset.filter(Q(match_rank__lt=4) | Q(similarity__gte=TYPO_SIMILARITY))
        return queryset.order_by("match_rank", F(popularity).desc(), "-similarity", "id")
    return (
        queryset.filter(matches)
        .annotate(match_rank=rank)
        .order_by("match_rank", F(popularity).desc(), "id")
    )


def search_films(query: str) -> QuerySet:
    """Films whose title or original title matches, best first."""
    query = normalize_query(query)
    if not query:
        return Film.objects.none()
    return _ranked(
        Film.objects.all(), ["search_title", "search_original_title"], query, "rating_count"
    )


def search_people(query: str) -> QuerySet:
    """People whose name matches, best first."""
    query = normalize_query(query)
    if not query:
        return Person.objects.none()
    return _ranked(Person.objects.all(), ["search_name"], query, "film_count")
