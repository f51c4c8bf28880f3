"""The film page, its similar films page and how fresh they are after a curator's edit."""

import datetime
import re
from decimal import Decimal

import pytest

from films.catalog.models import Country, Credit, Film, Genre, Language, Person
from pages.facets import catalog_facets
from recommendations.services import build_all
from tests.conftest import make_film
from tests.html import HtmlElement, find, find_all, links, page, text, texts
from tests.recommendations.catalog import add_bare_films

# Whitenoise warns that collectstatic has not been run; pages need no static files here.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


# --- Reading the page ------------------------------------------------------------------


def facts(section: HtmlElement) -> dict[str, str]:
    return dict(zip(texts(section, "dt"), texts(section, "dd"), strict=True))


def card_titles(doc: HtmlElement) -> list[str]:
    """The film cards' titles, without their year."""
    return [
        text(find(card, "h3.film-card-title"), "a") for card in find_all(doc, "article.film-card")
    ]


# --- Test data --------------------------------------------------------------------------


@pytest.fixture
def vegas(db):
    Country.objects.create(code="US", name="United States")
    film = make_film(
        title="Leaving Las Vegas",
        external_id="wikidata:Q1056853",
        year=1995,
        runtime=112,
        release_date=datetime.date(1995, 10, 27),
        release_date_precision="day",
        countries=["US"],
        genres=["Drama", "Romance"],
        themes=["Alcoholism"],
        directors=["Mike Figgis"],
        writers=["Mike Figgis", "John O'Brien"],
        cast=["Nicolas Cage", "Elisabeth Shue", "Julian Sands"],
        synopsis="A suicidal alcoholic befriends a prostitute.\n\nThey go to Las Vegas.",
        synopsis_source="Wikipedia",
        source="Wikidata",
        catalog_rating_average=Decimal("3.80"),
        catalog_rating_count=53,
        catalog_rating_kind="critics",
        rating_average=Decimal("3.80"),
        rating_count=53,
    )
    film.credits.filter(person__name="Nicolas Cage").update(character="Ben Sanderson")
    film.languages.add(Language.objects.create(code="en", name="English"))
    return film


def films_by(director: str, n: int, **fields) -> list[Film]:
    """n films of one director, best rated first, each a little different."""
    return [
        make_film(
            title=f"{director} film {i}",
            directors=[director],
            genres=["Drama", "Crime"] if i % 2 else ["Comedy"],
            countries=["FR"] if i % 3 == 0 else ["US"],
            cast=[f"{director} lead {i}", f"{director} second {i}"],
            rating_rank=100 - i,
            **fields,
        )
        for i in range(n)
    ]


def pad_catalog_to(size: int) -> None:
    # Enough films that sharing a director of up to 31 films passes the minimum score.
    add_bare_films(size - Film.objects.count())


# --- The film page ----------------------------------------------------------------------


def test_the_film_page_shows_the_film(client, vegas):
    build_all()

    doc = page(client.get(vegas.get_absolute_url()))

    assert text(doc, "h1") == "Leaving Las Vegas (1995)"
    assert text(doc, "title") == "Leaving Las Vegas (1995) · filmsite"
    assert text(doc, "p.summary") == (
        "Leaving Las Vegas is a 1995 American romantic drama film directed by Mike Figgis, "
        "released on 27 October 1995, starring Nicolas Cage and Elisabeth Shue."
    )
    header = find(doc, "header.film-header")
    assert text(header, "span.rating-text") == "76% · 3.8/5"
    assert text(header, "p.rating-sources") == "Critics' average in Wikidata, 53 reviews."
    assert facts(find(doc, "section.facts")) == {
        "Duration": "1h52",
        "Released": "27 October 1995",
        "Directed by": "Mike Figgis",
        "Written by": "Mike Figgis, John O'Brien",
        "Genres": "Drama, Romance",
        "Themes": "Alcoholism",
        "Countries": "United States",
        "Languages": "English",
    }
    assert texts(find(doc, "ul.cast-list"), "li") == [
        "Nicolas Cage as Ben Sanderson",
        "Elisabeth Shue",
        "Julian Sands",
    ]
    synopsis = find(doc, "section.synopsis")
    assert texts(synopsis, "p") == [
        "A suicidal alcoholic befriends a prostitute.",
        "They go to Las Vegas.",
        "Synopsis: Wikipedia",
    ]
    assert texts(find(doc, "article.film"), "p.source")[-1] == "Source: Wikidata"


def test_the_film_and_its_similar_films_come_before_the_cast_and_the_forms(client, vegas):
    films_by("Mike Figgis", 3)
    build_all()

    doc = page(client.get(vegas.get_absolute_url()))

    sections = [section.get("class") for section in find_all(find(doc, "article.film"), "section")]
    order = ["synopsis", "facts", "similar", "cast", "rate", "comments"]
    assert [name for name in sections if name in order] == order
    # Under the title, a way down to the visitor's own forms.
    jumps = links(doc, "header nav.film-jumps")
    assert jumps == [
        ("Rate it", "#rate"),
        ("Want to see it?", "#watchlist"),
        ("Comments", "#comments"),
    ]
    for _, target in jumps:
        assert find(doc, f"section{target}") is not None


def test_the_cast_shows_its_first_eight_and_the_others_a_click_away(client, db):
    cast = [f"Actor {n}" for n in range(1, 12)]
    film = make_film(title="Ensemble", cast=cast)

    section = find(page(client.get(film.get_absolute_url())), "section.cast")

    assert texts(find_all(section, "ul.cast-list")[0], "li") == cast[:8]
    more = find(section, "details.full-cast")
    assert text(more, "summary") == "3 more actors"
    assert texts(find(more, "ul.cast-list"), "li") == cast[8:]


@pytest.mark.parametrize(
    ("external_id", "expected"),
    [
        ("imdb:tt0113627", [("IMDb", "https://www.imdb.com/title/tt0113627/")]),
        ("wikidata:Q1056853", [("Wikidata", "https://www.wikidata.org/wiki/Q1056853")]),
        ("imdb:not-an-id", []),
        ("test:anything", []),
    ],
)
def test_a_film_links_out_where_its_catalog_id_leads(client, db, external_id, expected):
    film = make_film(title="Linked", external_id=external_id)

    doc = page(client.get(film.get_absolute_url()))

    assert [(text(a), a.get("href")) for a in find_all(doc, "p.links-out a")] == expected


def test_one_rating_is_singular_and_no_rating_says_so(client, vegas):
    Film.objects.filter(pk=vegas.pk).update(
        catalog_rating_average=Decimal("4.25"),
        catalog_rating_count=1,
        rating_average=Decimal("4.25"),
        rating_count=1,
    )
    rated = find(page(client.get(vegas.get_absolute_url())), "header.film-header")
    assert text(rated, "span.rating-text") == "85% · 4.2/5"
    assert text(rated, "p.rating-sources") == "Critics' average in Wikidata, 1 review."

    Film.objects.filter(pk=vegas.pk).update(rating_average=None, rating_count=0)
    unrated = find(page(client.get(vegas.get_absolute_url())), "header.film-header")
    assert texts(unrated, "span.rating-text") == []
    assert "No ratings yet." in texts(unrated, "p")


def test_a_cast_without_billing_order_is_shown_best_known_first_with_a_note(client, vegas):
    Film.objects.filter(pk=vegas.pk).update(cast_in_billing_order=False)
    Person.objects.filter(name="Julian Sands").update(film_count=40)
    Person.objects.filter(name="Elisabeth Shue").update(film_count=20)

    cast = find(page(client.get(vegas.get_absolute_url())), "section.cast")

    assert texts(find(cast, "ul.cast-list"), "li") == [
        "Julian Sands",
        "Elisabeth Shue",
        "Nicolas Cage as Ben Sanderson",
    ]
    assert "the actors with the most films in this catalog come first" in text(cast, "p.note")


def test_a_film_with_almost_nothing_shows_a_plain_page(client, db):
    film = Film.objects.create(title="Untitled", external_id="test:untitled", year=None)

    doc = page(client.get(film.get_absolute_url()))

    assert text(doc, "h1") == "Untitled"
    assert text(doc, "p.summary") == "Untitled is a film."
    assert find_all(find(doc, "section.facts"), "dt") == []
    assert find_all(doc, "section.cast") == []
    assert find_all(doc, "section.synopsis") == []  # no "No synopsis yet." to read past
    assert texts(find(doc, "article.film"), "p.source")[-1] == "Source: catalog import"
    assert "Similar films have not been computed for this film yet." in texts(
        find(doc, "section.similar"), "p"
    )
    assert "None" not in text(doc, "article.film")


def test_it_shows_the_counts_and_the_ten_best_similar_films_with_why(client, vegas):
    others = films_by("Mike Figgis", 15)
    pad_catalog_to(700)
    build_all()

    similar = find(page(client.get(vegas.get_absolute_url())), "section.similar")

    assert text(similar, "p.counts") == (
        "0 other films share an actor with Leaving Las Vegas, and 15 share its director. "
        "7 films share at least one of its genres. "  # none with exactly its two: not said
        "0 films share its theme, Alcoholism. "
        "The 15 films that share most with it are suggested."
    )
    # The odd ones also share Drama, then the better rated first.
    ranked = others[1::2] + others[0::2]
    cards = find_all(similar, "article.film-card")
    assert card_titles(similar) == [f.title for f in ranked[:10]]
    assert [text(card, "p.why") for card in cards] == 7 * [
        "Why: Same director: Mike Figgis · Genre in common: Drama"
    ] + 3 * ["Why: Same director: Mike Figgis"]
    first = cards[0]
    assert find(find(first, "h3"), "a").get("href") == others[1].get_absolute_url()
    assert facts(find(first, "dl.card-facts")) == {
        "Directed by": "Mike Figgis",
        "Origin": "United States",
        "Genres": "Crime, Drama",
        "Actors": "Mike Figgis lead 1, Mike Figgis second 1",
    }
    link = find_all(similar, "a")[-1]
    assert text(link) == "All 15 similar films, with filters"
    assert link.get("href") == f"/film/leaving-las-vegas-{vegas.pk}/similar/"


@pytest.mark.parametrize("suggestions, linked", [(10, False), (11, True)])
def test_the_link_to_all_similar_films_appears_beyond_ten(client, vegas, suggestions, linked):
    films_by("Mike Figgis", suggestions)
    pad_catalog_to(700)
    build_all()

    similar = find(page(client.get(vegas.get_absolute_url())), "section.similar")

    assert len(find_all(similar, "article.film-card")) == 10
    linked = [t for t in texts(similar, "a") if "similar films" in t]
    assert linked == ([f"All {suggestions} similar films, with filters"] if linked else [])


def test_a_film_with_no_close_film_says_none_is_close_enough(client, vegas):
    make_film(title="Another drama", genres=["Drama"])
    build_all()

    similar = find(page(client.get(vegas.get_absolute_url())), "section.similar")

    assert text(similar, "p.counts").endswith("None of them is close enough to be suggested.")
    assert find_all(similar, "article.film-card") == []


def test_a_suggested_film_deleted_since_the_build_is_left_out(client, vegas):
    others = films_by("Mike Figgis", 3)
    pad_catalog_to(700)
    build_all()
    others[0].delete()

    doc = page(client.get(vegas.get_absolute_url()))

    assert card_titles(doc) == [others[1].title, others[2].title]
    similar_page = page(client.get(similar_url(vegas)))
    assert card_titles(similar_page) == [others[1].title, others[2].title]


# Queries of the film page, whatever the number of suggestions. First visit:
#   1. the film with its recommendations row (films_film, recommendations_filmrecommendations)
#   2. the suggested films, whose updated_at keys the cache (films_film)
#   3. the film's genres, themes, countries, languages, and credits with their people,
#      in one statement (films.catalog.relations)
#   4. the suggested films' cards' facts as plain values, in one statement (pages.cards):
#      directors and lead actors, genres, themes, countries
#   5. the newest public comments with their total (films_comment); a visitor who has
#      voted or commented before adds one more: their own vote
# Next visits, with the film's details and its similar section cached: 1, 2 and 5.
FILM_PAGE_QUERIES = 5
CACHED_FILM_PAGE_QUERIES = 3


def test_the_film_page_runs_the_same_queries_for_1_or_15_suggestions(
    client, vegas, django_assert_num_queries
):
    pair = make_film(title="Pair one", directors=["Pair director"], genres=["Drama"])
    make_film(title="Pair two", directors=["Pair director"], cast=["Someone"])
    films_by("Mike Figgis", 15)
    pad_catalog_to(700)
    build_all()
    catalog_facets()  # read once per version of the catalog (the footer's themes link)

    with django_assert_num_queries(FILM_PAGE_QUERIES) as one:
        response = client.get(pair.get_absolute_url())
    assert len(find_all(page(response), "article.film-card")) == 1

    with django_assert_num_queries(FILM_PAGE_QUERIES) as many:
        first = client.get(vegas.get_absolute_url())
    assert len(find_all(page(first), "article.film-card")) == 10

    assert (
        tables(many)
        == tables(one)
        == [
            "films_film",
            "films_film",
            "films_credit",  # the film's own relations
            "films_credit",  # the cards'
            "films_comment",
        ]
    )

    with django_assert_num_queries(CACHED_FILM_PAGE_QUERIES) as cached:
        again = client.get(vegas.get_absolute_url())
    assert tables(cached) == [
        "films_film",
        "films_film",
        "films_comment",
    ]

    # The same page from the cache, but for the forms' tokens.
    def without_tokens(response):
        return re.sub(r'value="[^"]*"', "", response.content.decode())

    assert without_tokens(again) == without_tokens(first)


def tables(queries) -> list[str]:
    return [re.search(r'FROM "(\w+)"', q["sql"]).group(1) for q in queries.captured_queries]


# --- URLs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix, query",
    [("", ""), ("similar/", ""), ("similar/", "?genre=drama&page=2"), ("similar.json", "?x=1")],
)
def test_a_wrong_or_old_slug_redirects_permanently_to_the_canonical_url(
    client, vegas, suffix, query
):
    response = client.get(f"/film/leaving-vegas-{vegas.pk}/{suffix}{query}")

    assert response.status_code == 301
    assert response["Location"] == f"/film/leaving-las-vegas-{vegas.pk}/{suffix}{query}"


def test_the_short_url_redirects_to_the_film_page(client, vegas):
    response = client.get(f"/film/{vegas.pk}/")

    assert response.status_code == 301
    assert response["Location"] == vegas.get_absolute_url()


@pytest.mark.parametrize(
    "url", ["/film/{pk}/", "/film/x-{pk}/", "/film/x-{pk}/similar/", "/film/x-{pk}/similar.json"]
)
def test_an_unknown_film_is_a_404(client, vegas, url):
    assert client.get(url.format(pk=vegas.pk + 1000)).status_code == 404


# --- The similar films page -------------------------------------------------------------


@pytest.fixture
def thirty(vegas):
    """Thirty suggestions for Leaving Las Vegas, from 1950 to 1999, French or American,
    comedies or westerns: they share only its director, so they come best rated first."""
    Country.objects.create(code="FR", name="France")
    films = [
        make_film(
            title=f"Similar {i:02d}",
            year=1950 + (i % 5) * 10 + i % 10,
            directors=["Mike Figgis"],
            countries=["FR"] if i % 6 == 0 else ["US"],
            genres=["Comedy"] if i % 2 else ["Western"],
            rating_rank=100 - i,
        )
        for i in range(30)
    ]
    pad_catalog_to(700)
    build_all()
    return films


def similar_url(film, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/film/{film.slug}-{film.pk}/similar/" + (f"?{query}" if query else "")


def test_the_similar_page_lists_twenty_suggestions_a_page_in_order(client, vegas, thirty):
    doc = page(client.get(similar_url(vegas)))

    assert text(doc, "h1") == "Films similar to Leaving Las Vegas"
    assert text(doc, "p.counts").endswith("The 30 films that share most with it are suggested.")
    assert card_titles(doc) == [f.title for f in thirty[:20]]
    assert "30 of 30 suggestions." in texts(doc, "p")
    assert text(find(doc, "nav.pagination"), "span") == "Page 1 of 2"

    second = page(client.get(similar_url(vegas, page=2)))
    assert card_titles(second) == [f.title for f in thirty[20:]]
    assert find(second, "ol.film-cards").get("start") == "21"
    assert find(find(second, "nav.pagination"), "a").get("href") == "?page=1"


@pytest.mark.parametrize("number", ["999", "3", "0", "abc", "-1", "1.5"])
def test_a_page_that_does_not_exist_is_a_404(client, vegas, thirty, number):
    assert client.get(similar_url(vegas, page=number)).status_code == 404


def matching(films, decade=None, country=None, genre=None) -> list[str]:
    return [
        f.title
        for f in films
        if (decade is None or decade <= f.year < decade + 10)
        and (country is None or f.countries.get().code == country)
        and (genre is None or f.genres.get().slug == genre)
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"decade": 1970},
        {"country": "FR"},
        {"genre": "comedy"},
        {"decade": 1960, "genre": "western"},
        {"decade": 1980, "country": "FR", "genre": "western"},
        {"decade": 2010},
    ],
    ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items()),
)
def test_the_filters_keep_the_matching_suggestions_in_their_order(client, vegas, thirty, params):
    expected = matching(thirty, **params)

    doc = page(client.get(similar_url(vegas, **params)))

    assert card_titles(doc) == expected[:20]
    verb = "matches" if len(expected) == 1 else "match"
    assert f"{len(expected)} of 30 suggestions {verb} these filters." in texts(doc, "p")
    assert len(expected) < 30


@pytest.mark.parametrize(
    "params, field",
    [({"decade": "abc"}, "decade"), ({"country": "ZZ"}, "country"), ({"genre": "x"}, "genre")],
)
def test_an_invalid_filter_shows_the_error_not_a_500(client, vegas, thirty, params, field):
    doc = page(client.get(similar_url(vegas, **params)))

    errors = texts(find(doc, "form.filters"), "p.error")
    assert len(errors) == 1
    assert "Select a valid choice." in errors[0]
    assert card_titles(doc) == []
    assert "0 of 30 suggestions match these filters." in texts(doc, "p")


def test_the_filters_offer_only_the_countries_and_genres_of_the_suggestions(client, vegas, thirty):
    # Neither these nor the film's own Drama and Romance are offered.
    Genre.objects.create(name="Horror", slug="horror")
    Country.objects.create(code="JP", name="Japan")

    form = find(page(client.get(similar_url(vegas))), "form.filters")

    selects = {select.get("name"): texts(select, "option") for select in find_all(form, "select")}
    assert selects["country"] == ["Any country", "France", "United States"]
    assert selects["genre"] == ["Any genre", "Comedy", "Western"]


def test_the_pagination_links_keep_the_filters(client, vegas, thirty):
    # 25 suggestions are American: 20 on the first page, 5 on the second (orphans 3).
    doc = page(client.get(similar_url(vegas, country="US")))

    assert find(find(doc, "nav.pagination"), "a").get("href") == "?country=US&page=2"


# --- Freshness after a curator's edit ---------------------------------------------------


def admin_form(film: Film, **changes) -> dict:
    """The admin change form of a film as the browser posts it, unchanged but `changes`."""
    credits = list(film.credits.order_by("role", "position", "id"))
    form = {
        "title": film.title,
        "slug": film.slug,
        "external_id": film.external_id,
        "year": film.year or "",
        "genres": [g.pk for g in film.genres.all()],
        "themes": [t.pk for t in film.themes.all()],
        "countries": [c.pk for c in film.countries.all()],
        "cast_in_billing_order": "on",
        "catalog_rating_count": "0",
        "credits-TOTAL_FORMS": str(len(credits)),
        "credits-INITIAL_FORMS": str(len(credits)),
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
    }
    for n, credit in enumerate(credits):
        form.update(
            {
                f"credits-{n}-id": credit.pk,
                f"credits-{n}-film": film.pk,
                f"credits-{n}-role": credit.role,
                f"credits-{n}-position": credit.position,
                f"credits-{n}-person": credit.person_id,
                f"credits-{n}-character": credit.character,
            }
        )
    form.update(changes)
    return form


def post_to_admin(client, film, form, capture_on_commit):
    # The rebuild runs on commit; the test's transaction never commits, so run it here.
    with capture_on_commit(execute=True) as callbacks:
        response = client.post(f"/admin/films/film/{film.pk}/change/", form)
    assert response.status_code == 302, response.context["adminform"].errors
    assert callbacks  # the rebuild (and the cached pages' stamps forgotten once more)


def test_a_director_added_in_the_admin_shows_on_the_next_page_view(
    admin_client, vegas, django_capture_on_commit_callbacks
):
    kurosawa_film = make_film(title="Ran", directors=["Akira Kurosawa"], genres=["War"])
    pad_catalog_to(100)
    build_all()
    before = find(page(admin_client.get(vegas.get_absolute_url())), "section.similar")
    assert "and 0 share its director." in text(before, "p.counts")
    assert find_all(before, "article.film-card") == []

    kurosawa = Person.objects.get(name="Akira Kurosawa")
    form = admin_form(vegas)
    new = int(form["credits-TOTAL_FORMS"])
    form.update(
        {
            "credits-TOTAL_FORMS": str(new + 1),
            f"credits-{new}-film": vegas.pk,
            f"credits-{new}-role": Credit.Role.DIRECTOR,
            f"credits-{new}-position": "1",
            f"credits-{new}-person": kurosawa.pk,
            f"credits-{new}-character": "",
        }
    )
    post_to_admin(admin_client, vegas, form, django_capture_on_commit_callbacks)

    after = page(admin_client.get(vegas.get_absolute_url()))
    assert facts(find(after, "section.facts"))["Directed by"] == "Mike Figgis, Akira Kurosawa"
    similar = find(after, "section.similar")
    assert "and 1 shares one of its directors." in text(similar, "p.counts")
    assert card_titles(similar) == [kurosawa_film.title]
    assert text(similar, "p.why") == "Why: Same director: Akira Kurosawa"
    assert Person.objects.get(pk=kurosawa.pk).film_count == 2


def test_genres_changed_in_the_admin_show_on_the_next_page_view(
    admin_client, vegas, django_capture_on_commit_callbacks
):
    giallo, poliziesco = (
        Genre.objects.create(name=name, slug=name.lower()) for name in ("Giallo", "Poliziesco")
    )
    italian = make_film(title="Italian thriller", genres=[giallo, poliziesco])
    pad_catalog_to(100)
    build_all()

    form = admin_form(vegas, genres=[giallo.pk, poliziesco.pk])
    post_to_admin(admin_client, vegas, form, django_capture_on_commit_callbacks)

    doc = page(admin_client.get(vegas.get_absolute_url()))
    assert facts(find(doc, "section.facts"))["Genres"] == "Giallo, Poliziesco"
    counts = text(find(doc, "section.similar"), "p.counts")
    assert (
        "1 film shares at least one of its genres; 1 of them has exactly its 2 genres, "
        "Giallo and Poliziesco." in counts
    )
    assert counts.endswith("The film that shares most with it is suggested.")
    assert card_titles(doc) == [italian.title]
    assert text(doc, "p.why") == "Why: Exactly its genres: Giallo and Poliziesco"


# Queries of the similar films page, whatever the number of suggestions:
#   1. the film with its recommendations row, 2. the suggested films,
#   3. the ids of the suggestions matching the filters,
#   4. the cards' facts of the page's films, in one statement (pages.cards),
#   5. the film's genres, themes, countries, languages and credits, in one statement
#      (films.catalog.relations; the reasons name them),
#   6-8. the decades, countries and genres offered by the filters.
SIMILAR_PAGE_QUERIES = 8


def test_the_similar_page_runs_the_same_queries_for_1_or_30_suggestions(
    client, vegas, thirty, django_assert_num_queries
):
    pair = make_film(title="Pair one", directors=["Pair director"], genres=["Drama"])
    make_film(title="Pair two", directors=["Pair director"], genres=["Drama"])
    build_all()
    catalog_facets()  # read once per version of the catalog (the footer's themes link)

    with django_assert_num_queries(SIMILAR_PAGE_QUERIES):
        assert len(card_titles(page(client.get(similar_url(pair))))) == 1
    with django_assert_num_queries(SIMILAR_PAGE_QUERIES):
        assert len(card_titles(page(client.get(similar_url(vegas))))) == 20
    with django_assert_num_queries(SIMILAR_PAGE_QUERIES):
        assert len(card_titles(page(client.get(similar_url(vegas, page=2))))) == 10


def test_a_long_synopsis_opens_with_its_first_sentences_and_the_rest_is_a_click_away(client, db):
    told = "A man walks into the desert. " * 10 + "He meets the U.S. Army there. " * 50
    film = make_film(title="Long Told", synopsis=told)

    synopsis = find(page(client.get(film.get_absolute_url())), "section.synopsis")

    # The first sentences up to about 450 characters, whole: not cut at "U.S.".
    opening = texts(synopsis, ".synopsis-text > p")[0]
    assert 450 <= len(opening) < 480
    assert opening.endswith("Army there.")
    details = find(synopsis, "details")
    assert text(details, "summary") == "Read the whole synopsis"
    assert f"{opening} {text(details, 'p')}" == told.strip()


def test_a_short_synopsis_is_shown_whole(client, vegas):
    synopsis = find(page(client.get(vegas.get_absolute_url())), "section.synopsis")

    assert find_all(synopsis, "details") == []
