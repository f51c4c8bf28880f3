"""Search for films (title, original title) and people (name).

Titles and names are stored folded (films.catalog.text.searchable), so matching ignores case and
accents everywhere. Results rank exact matches, then prefix matches, then matches of a
whole word, then any other match; the better known come first within each rank (more
ratings for films, more films for people).

When nothing contains every word of the query, near spellings are found: "nicholas cage"
finds Nicolas Cage, "godfathr" The Godfather. On PostgreSQL by trigram word similarity
(pg_trgm, GIN indexes made by migration 0003); on SQLite, the embedded default, by RapidFuzz
over every title or name, kept in the process's memory for each version of the catalog.
"""

import re

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from rapidfuzz import fuzz, process

from caching import surrogate_keys
from films.catalog.models import Film, Person
from films.catalog.text import searchable

MAX_QUERY_LENGTH = 100
# Shorter queries match the start of a word only: "war" finds Fred Ward, not Edward
# Norton. Three letters are inside too many words to be what a visitor looks for (45,000
# of a million names hold "hou"), and ranking them all took 80 ms.
MIN_PARTIAL_LENGTH = 4


def normalize_query(query: str) -> str:
    return searchable(query[: MAX_QUERY_LENGTH * 2])[:MAX_QUERY_LENGTH].strip()


def _uses_trigrams() -> bool:
    return connection.vendor == "postgresql"


def _matches(fields: list[str], query: str) -> Q:
    """Every word of the query somewhere in one of the fields; a query of up to three
    letters only starts a word ("e" finds "Ed Harris", not every name with an e)."""
    matches = Q()
    for field in fields:
        if len(query) < MIN_PARTIAL_LENGTH:
            word_start = Q(**{f"{field}__contains": f" {query}"})
            if field in LISTS:  # each of its texts follows a space
                matches |= _in_a_list(field) & word_start
            else:
                matches |= Q(**{f"{field}__startswith": query}) | word_start
            continue
        every_word = _in_a_list(field) if field in LISTS else Q()
        for word in query.split():
            every_word &= Q(**{f"{field}__contains": word})
        matches |= every_word
    return matches


def _ranked(
    queryset: QuerySet, fields: list[str], query: str, popularity: str, first, near_spellings
):
    if first is not None:
        starting = _starting_with(queryset, fields, query, popularity, first)
        if len(starting) == first:
            return starting
    found = _matching(queryset, fields, query, popularity)
    may_be_misspelt = near_spellings and _may_be_misspelt(query)
    if first is not None:
        results = list(found[:first])
        if results or not may_be_misspelt:
            return results
        return list(_spelt_like(queryset, fields[0], query, popularity)[:first])
    if may_be_misspelt and not _any(found):
        return _spelt_like(queryset, fields[0], query, popularity)
    return found


# Leading articles a title may have that a visitor leaves out: "dark knight" is The Dark
# Knight exactly, before Batman: The Dark Knight Returns. Folded, as titles are stored.
LEADING_ARTICLES = (
    "the", "a", "an", "le", "la", "les", "l", "un", "une", "der", "die", "das", "el", "los",
    "las", "il", "lo", "gli",
)  # fmt: skip


def _matching(queryset: QuerySet, fields: list[str], query: str, popularity: str) -> QuerySet:
    """Every match, ranked level by level across the fields: an exact original title
    beats a prefix of a title, and so does a title that is the query after a leading
    article."""
    with_articles = [f"{article} {query}" for article in LEADING_ARTICLES]
    rank_cases = [When(_is(field, query), then=Value(0)) for field in fields]
    rank_cases += [When(_is_one_of(field, with_articles), then=Value(1)) for field in fields]
    rank_cases += [When(_starts(field, query), then=Value(2)) for field in fields]
    rank_cases += [When(**{f"{field}__contains": f" {query}"}, then=Value(3)) for field in fields]
    rank = Case(*rank_cases, default=Value(4), output_field=IntegerField())
    return (
        queryset.filter(_matches(fields, query))
        .annotate(match_rank=rank)
        .order_by("match_rank", F(popularity).desc(), "id")
    )


# Columns that hold several texts between bars ("| der pate | le parrain |",
# films.catalog.models.between_bars): each text is matched as a column of its own would be.
LISTS = {"search_other_titles"}


def _in_a_list(field: str) -> Q:
    # Said outright, as the column's partial index says it: PostgreSQL then knows how few
    # films have such titles, and plans no parallel scan for them.
    return ~Q(**{field: ""})


def _is(field: str, text: str) -> Q:
    if field in LISTS:
        return _in_a_list(field) & Q(**{f"{field}__contains": f"| {text} |"})
    return Q(**{field: text})


def _is_one_of(field: str, texts: list[str]) -> Q:
    if field in LISTS:
        # One condition, not an OR of LIKEs: eighteen index scans made PostgreSQL plan the
        # whole search in parallel, a few milliseconds more.
        either = "|".join(re.escape(text) for text in texts)
        return _in_a_list(field) & Q(**{f"{field}__regex": rf"\| (?:{either}) \|"})
    return Q(**{f"{field}__in": texts})


def _starts(field: str, text: str) -> Q:
    if field in LISTS:
        return _in_a_list(field) & Q(**{f"{field}__contains": f"| {text}"})
    return Q(**{f"{field}__startswith": text})


def _may_be_misspelt(query: str) -> bool:
    return len(query) >= MIN_PARTIAL_LENGTH


def _spelt_like(queryset: QuerySet, field: str, query: str, popularity: str):
    # Nothing contains every word: look for near spellings ("nicholas cage"). Only then,
    # since similarity ranks every candidate the trigram index returns.
    if not _uses_trigrams():
        return _spelt_like_in_memory(queryset, field, query, popularity)
    similar = queryset.filter(**{f"{field}__trigram_word_similar": query})
    return similar.annotate(similarity=TrigramSimilarity(field, query)).order_by(
        "-similarity", F(popularity).desc(), "id"
    )


# How alike a title or name must be (RapidFuzz's WRatio, 0 to 100) to be offered for a
# misspelt query, and how many are offered at most.
SPELT_LIKE_SCORE = 75  # "godfathr" and The Godfather: 79.8
SPELT_LIKE_MOST = 50
SPELT_LIKE_BAND = 5  # points of score within which the better known rank first
# Of the query's length: a misspelling keeps most of a title's letters, and a title much
# shorter than the query can only match part of it ("water" is most of "godfater").
SPELT_LIKE_SHORTEST = 0.75
# Titles and names kept for near spellings on SQLite, per model and field, with the
# version of the catalog they were read at.
_NAMES: dict[tuple, tuple] = {}


def _spelt_like_in_memory(queryset: QuerySet, field: str, query: str, popularity: str) -> list:
    """The rows spelt most like the query, the better known first among equals: RapidFuzz
    over every title or name, read once per version of the catalog in each process."""
    model = queryset.model
    version = surrogate_keys.current_versions([surrogate_keys.CATALOG])[surrogate_keys.CATALOG]
    kept = _NAMES.get((model, field))
    if kept is None or kept[0] != version:
        rows = model.objects.values_list("id", field, popularity)
        kept = _NAMES[(model, field)] = (version, {pk: (name, known) for pk, name, known in rows})
    names = kept[1]
    # Not the titles much shorter than the query: "o" is inside "godfathr" but no spelling
    # of it.
    shortest = len(query) * SPELT_LIKE_SHORTEST
    found = process.extract(
        query,
        {pk: name for pk, (name, _) in names.items() if len(name) >= shortest},
        scorer=fuzz.WRatio,
        processor=None,  # stored folded already, as the query is
        score_cutoff=SPELT_LIKE_SCORE,
        limit=SPELT_LIKE_MOST,
    )
    # Spellings a few points apart are as likely: the better known is the likelier meant.
    ranked = sorted(
        found, key=lambda hit: (-round(hit[1] / SPELT_LIKE_BAND), -names[hit[2]][1], hit[2])
    )
    by_id = queryset.in_bulk([pk for _, _, pk in ranked])
    return [by_id[pk] for _, _, pk in ranked if pk in by_id]


def _starting_with(queryset: QuerySet, fields: list[str], query: str, popularity: str, first):
    """The `first` best titles or names that start with the query, exact ones first: when
    there are that many, they are the first results, since every other match ranks below.

    A word of a title can be in 5,000 titles: ranking them all reads 5,000 film rows. Those
    that start with it come from an index on each field in order, which holds the
    popularity and the id too (migration 0006): PostgreSQL reads no row but the few shown.
    """
    model = queryset.model
    with_articles = [f"{article} {query}" for article in LEADING_ARTICLES]
    branches = []
    for field in fields:
        # Two branches, not one OR: each reads its index alone, the prefix one without
        # reading a row.
        branches.append(
            model.objects.filter(_starts(field, query))
            .annotate(exact=Case(When(_is(field, query), then=Value(0)), default=Value(2)))
            .order_by()  # not by title: the index has none
            .values_list("id", "exact", popularity)
        )
        branches.append(
            model.objects.filter(_is_one_of(field, with_articles))
            .annotate(exact=Value(1))
            .order_by()
            .values_list("id", "exact", popularity)
        )
    best = branches[0].union(*branches[1:], all=True)
    best = best.order_by("exact", f"-{popularity}", "id")
    ids = list(dict.fromkeys(pk for pk, _, _ in best[: first * len(branches)]))[:first]
    if len(ids) < first:
        return []
    by_id = queryset.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def _any(found: QuerySet) -> bool:
    # Not exists(): with its LIMIT 1 the planner hopes to meet a match early in a
    # sequential scan, and reads the whole table when there is none (120 ms for 1,000,000
    # people). Ordered by rank, every match must be found first: from the trigram index.
    return found.values("pk")[:1].first() is not None


FILMS = (Film, ["search_title", "search_original_title", "search_other_titles"], "renown")
PEOPLE = (Person, ["search_name"], "film_count")


def search_films(query: str, *, first=None, only=(), near_spellings=True) -> QuerySet | list:
    """Films whose title or original title matches, best first: all of them as a
    QuerySet, or the `first` few as a list. `only`: the columns needed. When nothing
    matches, films spelt like the query (PostgreSQL), unless `near_spellings` is false."""
    return _search(FILMS, query, first, only, near_spellings)


def search_people(query: str, *, first=None, only=(), near_spellings=True) -> QuerySet | list:
    """People whose name matches, best first (as search_films)."""
    return _search(PEOPLE, query, first, only, near_spellings)


def spelt_like(kind, query: str, *, first: int, only=()) -> list:
    """The `first` FILMS or PEOPLE spelt most like the query, for a query nothing matches."""
    model, fields, popularity = kind
    query = normalize_query(query)
    if not _may_be_misspelt(query):
        return []
    return list(_spelt_like(_rows(model, only), fields[0], query, popularity)[:first])


def _search(kind, query: str, first, only, near_spellings):
    model, fields, popularity = kind
    query = normalize_query(query)
    if not query:
        return model.objects.none() if first is None else []
    return _ranked(_rows(model, only), fields, query, popularity, first, near_spellings)


def _rows(model, only) -> QuerySet:
    """The model's rows, with only the columns `only` names when it names any."""
    return model.objects.only(*only) if only else model.objects.all()
