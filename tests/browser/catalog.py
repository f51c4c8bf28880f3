"""A small catalog for the browser tests: enough films for similar films to be suggested,
a person, genres, ratings, and built recommendations, like the demo catalog in miniature."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from films.catalog.models import Country, Film, Person
from films.catalog.ratings import apply_combined_rating
from recommendations.services import build_all
from tests.conftest import make_film, make_person
from tests.recommendations.catalog import add_bare_films

# A shared director weighs ln(films / films having it): with only the named films nothing
# passes MIN_SCORE, so the catalog is padded with bare films (one INSERT).
PADDING_FILMS = 100


@dataclass(frozen=True)
class Catalog:
    vegas: Film
    timecode: Film
    con_air: Film
    figgis: Person
    saga: Film  # second of a series, with a long synopsis under a licence and links out

    @property
    def urls(self) -> dict[str, str]:
        """The pages every check visits, by name (the comment-error page is a POST)."""
        return {
            "home": "/",
            "search": "/search/?q=las+vegas",
            "film": self.vegas.get_absolute_url(),
            "all-suggestions": f"{self.vegas.get_absolute_url()}similar/",
            "person": self.figgis.get_absolute_url(),
            "genre": "/genre/drama/",
            "browse": "/browse/",
            "genres": "/genres/",
            "countries": "/countries/",
            "series-film": self.saga.get_absolute_url(),
            # A new visitor's: how to start, and an empty list.
            "for-you": "/for-you/",
            "watchlist": "/watchlist/",
            "ratings": "/ratings/",
            # Films like two films, and a mix of one with a title matching several films.
            "like": "/like/?films=" + ",".join(map(str, sorted([self.vegas.pk, self.timecode.pk]))),
            "like-add": f"/like/?films={self.vegas.pk}&add=prairie+saga",
            # Accounts, as a visitor without one sees them (the account page: this browser's
            # data), and in French.
            "sign-in": "/account/sign-in/",
            "sign-up": "/fr/account/sign-up/",
            "account": "/account/",
            "password-reset": "/account/password/reset/",
        }


# The pages of Catalog.urls that the accessibility and HTML checks visit, by name.
PAGES = [
    "home",
    "search",
    "film",
    "all-suggestions",
    "person",
    "genre",
    "browse",
    "genres",
    "countries",
    "series-film",
    "for-you",
    "watchlist",
    "ratings",
    "like",
    "like-add",
    "sign-in",
    "sign-up",
    "account",
    "password-reset",
]


def rated(film: Film, average: str, count: int) -> Film:
    film.catalog_rating_average = Decimal(average)
    film.catalog_rating_count = count
    apply_combined_rating(film)
    film.save()
    return film


def make_catalog() -> Catalog:
    Country.objects.get_or_create(code="US", defaults={"name": "United States"})
    # The longest name in the browse page's list of countries.
    Country.objects.get_or_create(code="CD", defaults={"name": "Democratic Republic of the Congo"})
    figgis = make_person("Mike Figgis")
    vegas = make_film(
        title="Leaving Las Vegas",
        year=1995,
        release_date=datetime.date(1995, 10, 27),
        release_date_precision="day",
        runtime=111,
        genres=["Drama", "Romance"],
        countries=["US"],
        directors=[figgis],
        writers=[figgis],
        cast=["Nicolas Cage", "Elisabeth Shue", "Julian Sands"],
        synopsis="A screenwriter who has lost everything drives to Las Vegas.",
    )
    # Few ratings, so one more vote visibly moves the average: 4.0 from 3, then with a
    # 2-star vote (4 × 3 + 2) / 4 = 3.5 from 4.
    rated(vegas, "4.00", 3)
    timecode = rated(
        make_film(
            title="Timecode",
            year=2000,
            runtime=97,
            genres=["Drama"],
            countries=["US"],
            directors=[figgis],
            cast=["Salma Hayek", "Stellan Skarsgård"],
        ),
        "3.40",
        40,
    )
    rated(
        make_film(
            title="One Night Stand",
            year=1997,
            runtime=102,
            genres=["Drama", "Romance"],
            countries=["US"],
            directors=[figgis],
            cast=["Wesley Snipes", "Nastassja Kinski"],
        ),
        "3.10",
        30,
    )
    rated(
        make_film(
            title="Mr. Jones",
            year=1993,
            runtime=114,
            genres=["Drama", "Romance"],
            directors=[figgis],
            cast=["Richard Gere", "Lena Olin"],
        ),
        "3.00",
        25,
    )
    con_air = rated(
        make_film(
            title="Con Air",
            year=1997,
            runtime=115,
            genres=["Action", "Thriller"],
            countries=["US"],
            directors=["Simon West"],
            cast=["Nicolas Cage", "John Cusack", "John Malkovich"],
        ),
        "3.20",
        50,
    )
    saga = [
        make_film(
            title=f"Prairie Saga {n}",
            year=1950 + n,
            genres=["Western"],
            directors=["A Director Of Westerns"],
            series="Prairie Saga",
            series_ordinal=n,
            series_names={"fr": "La Saga de la prairie"},
            titles={"fr": f"La Saga de la prairie {n}"},
            links={"imdb": f"tt{9000000 + n}", "wikipedia_en": f"Prairie Saga {n}"},
            synopsis="A family crosses the plains in a wagon. " * 30,
            synopsis_source="Wikipedia",
            synopsis_license="CC BY-SA 4.0",
            synopsis_url=f"https://en.wikipedia.org/wiki/Prairie_Saga_{n}",
        )
        for n in (1, 2, 3)
    ]
    add_bare_films(PADDING_FILMS)
    Person.objects.all().refresh_film_counts()
    build_all()
    return Catalog(vegas=vegas, timecode=timecode, con_air=con_air, figgis=figgis, saga=saga[1])
