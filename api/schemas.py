"""What the API answers and takes, as pydantic models: django-ninja validates every answer
against them and writes the OpenAPI document from them, so the two cannot part."""

from datetime import date
from typing import Literal

from ninja import Field, Schema

# Every answer names films and people by two ids: `id`, the site's own number (the one in
# its page's URL), and `external_id`, the catalog's ("wikidata:Q132910"). Both are stable.
ID = "The site's id of it, the number in its page's address: stable."
EXTERNAL_ID = (
    "The catalog's id of it, such as wikidata:Q132910: stable, and the same on other sites "
    "that take the catalog's ids. Null for people the catalog names without an id."
)

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


# --- Parameters ----------------------------------------------------------------------


class Paging(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="The page, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Results a page, at most {MAX_PAGE_SIZE}.",
    )


# The choices of the browse page's filters (pages/filters.py), which does the filtering;
# a test checks that they are the same.
Sort = Literal["rating", "year", "year-asc", "title"]
Duration = Literal["short", "medium", "long"]
MinRating = Literal["1", "2", "2.5", "3", "3.5", "4", "4.5"]


class FilmFilters(Schema):
    """The filters of the browse page (/browse/), under the same names."""

    genre: list[str] = Field(
        default_factory=list,
        description="Genre slugs (repeat the parameter): films with all of them, or any of "
        "them with genre_mode=any.",
    )
    genre_mode: Literal["all", "any"] = Field("all", description="How `genre` combines.")
    exclude_genre: str | None = Field(None, description="A genre slug the films must not have.")
    theme: list[str] = Field(
        default_factory=list,
        description="Theme slugs (repeat the parameter, or separate them with commas): "
        "films with all of them, 10 at most.",
    )
    country: str | None = Field(None, description="A country's ISO 3166 code, such as FR.")
    decade: int | None = Field(
        None, description="The first year of a decade the catalog has films of, such as 1990."
    )
    year_from: int | None = Field(None, ge=1870, le=2100, description="Released in or after.")
    year_to: int | None = Field(None, ge=1870, le=2100, description="Released in or before.")
    duration: Duration | None = Field(
        None, description="short: under 1h30; medium: 1h30 to 2h; long: over 2h."
    )
    min_rating: MinRating | None = Field(None, description="The least average rating, out of 5.")
    sort: Sort = Field(
        "rating",
        description="rating: best rated first (a Bayesian average); year: newest first; "
        "year-asc: oldest first; title: by title.",
    )


class SearchQuery(Schema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=1000,
        description="Words of a title or name, in any case, with or without accents.",
    )


# --- Answers -------------------------------------------------------------------------


class ParameterError(Schema):
    parameter: str | None = Field(description="The parameter at fault; null for several.")
    message: str


class Error(Schema):
    message: str = Field(description="What went wrong, in a sentence.")
    errors: list[ParameterError] = Field(
        default_factory=list, description="For a 422: each parameter that could not be used."
    )


class Page(Schema):
    count: int = Field(description="Results on every page together.")
    page: int
    page_size: int
    pages: int = Field(description="Pages of results; 1 when there is none.")
    next: str | None = Field(description="The address of the next page; null on the last.")
    previous: str | None = Field(description="The address of the previous page; null on the first.")


class Named(Schema):
    slug: str
    name: str = Field(description="As the catalog gives it.")
    names: dict[str, str] = Field(description='Its name in other languages: {"fr": "drame"}.')


class Genre(Named):
    pass


class Theme(Named):
    pass


class Country(Schema):
    code: str = Field(description="ISO 3166-1 alpha-2, or ISO 3166-3 for a former country.")
    name: str


class Language(Schema):
    code: str = Field(description="ISO 639-1, or ISO 639-3 where there is no two-letter code.")
    name: str


class Rating(Schema):
    average: float | None = Field(
        description="Out of 5: the catalog's ratings and the site's votes together."
    )
    count: int = Field(description="Ratings and votes the average is of.")
    votes: int = Field(description="Of which votes on this site.")


class FilmSummary(Schema):
    id: int = Field(description=ID)
    external_id: str = Field(description=EXTERNAL_ID)
    title: str
    original_title: str = Field(description="Empty when it is the title.")
    year: int | None
    runtime: int | None = Field(description="Minutes.")
    genres: list[Genre]
    rating: Rating
    url: str = Field(description="Its page on the site.")


class FilmPage(Page):
    results: list[FilmSummary]


class PersonSummary(Schema):
    id: int = Field(description=ID)
    external_id: str | None = Field(description=EXTERNAL_ID)
    name: str
    film_count: int = Field(description="Films of the catalog they are credited on.")
    url: str = Field(description="Their page on the site.")


class PersonPage(Page):
    results: list[PersonSummary]


class Credit(Schema):
    person: PersonSummary
    character: str = Field(description="For an actor, when the catalog gives it; else empty.")


class SharedCounts(Schema):
    """Exact counts over the whole catalog, as the film's page states them; all null
    before the similar films are first built."""

    actors: int | None = Field(description="Other films sharing an actor with it.")
    directors: int | None = Field(description="Other films sharing a director.")
    genres: int | None = Field(description="Other films sharing a genre.")
    same_genres: int | None = Field(description="Other films with exactly its genres.")
    themes: int | None = Field(description="Other films sharing a theme.")
    same_themes: int | None = Field(description="Other films with exactly its themes.")
    suggestions: int | None = Field(description="Its similar films.")


class Reasons(Schema):
    """What the similar film shares with the film, named."""

    directors: list[str] = Field(default_factory=list)
    writers: list[str] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list, description="In the film's cast order.")
    genres: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    same_genres: bool = Field(False, description="Exactly the same genres.")
    same_themes: bool = Field(False, description="Exactly the same themes.")
    series: str | None = Field(None, description="The series the catalog puts both films in.")
    inferred_series: str | None = Field(
        None, description="A franchise read from the titles, such as Alien."
    )


class SimilarFilm(Schema):
    id: int = Field(description=ID)
    external_id: str = Field(description=EXTERNAL_ID)
    title: str
    year: int | None
    score: float = Field(description="Higher is closer; ranks the suggestions.")
    reasons: Reasons
    url: str = Field(description="Its page on the site.")


class SimilarPage(Page):
    film: int = Field(description="The id of the film they are similar to.")
    counts: SharedCounts
    results: list[SimilarFilm]


class FilmDetail(FilmSummary):
    release_date: date | None = Field(
        description="The first day of the month or year when only those are known "
        "(release_date_precision)."
    )
    release_date_precision: Literal["year", "month", "day", ""]
    synopsis: str
    synopsis_source: str = Field(description="Where the synopsis comes from, if anywhere.")
    synopsis_license: str = Field(description="What the synopsis must be shown with, if any.")
    synopsis_url: str
    series: str = Field(description="Its series or franchise as the catalog names it.")
    series_ordinal: int | None = Field(description="Its place in the series.")
    themes: list[Theme]
    countries: list[Country]
    languages: list[Language]
    directors: list[PersonSummary]
    writers: list[PersonSummary]
    cast: list[Credit] = Field(
        description="In billing order, or best known first where the catalog gives none "
        "(cast_in_billing_order)."
    )
    cast_in_billing_order: bool
    links: dict[str, str] = Field(description='Ids on other sites: {"imdb": "tt0113627"}.')
    counts: SharedCounts
    similar: list[SimilarFilm] = Field(
        description="Its first similar films; /similar/ has every one, by page."
    )


class FilmRef(Schema):
    id: int = Field(description=ID)
    external_id: str = Field(description=EXTERNAL_ID)
    title: str
    year: int | None
    url: str


class FilmCredit(Schema):
    role: Literal["director", "writer", "actor"]
    character: str
    film: FilmRef


class PersonDetail(PersonSummary):
    links: dict[str, str] = Field(description='Ids on other sites: {"imdb": "nm0000115"}.')
    credits: list[FilmCredit] = Field(
        description="Every credit, newest film first (films of no known year last)."
    )


class CountedGenre(Genre):
    film_count: int


class CountedTheme(Theme):
    film_count: int


class GenrePage(Page):
    results: list[CountedGenre]


class ThemePage(Page):
    results: list[CountedTheme]
