"""Films like these (/like/?films=…): the films like all of two or three films, each with
why for each of them; the weakest link ranks; the mix in the URL, sorted; a film added by
its title and removed by a link; bad links said, never a 500; a fixed number of queries;
stored whole and missed when a film it shows changes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from films.catalog.models import Credit, Film
from films.community.services import vote_submit
from films.community.visitors import Visitor
from pages.facets import catalog_facets
from pages.views.like import rank
from recommendations.models import FilmRecommendations
from recommendations.services import build_all
from tests.community.helpers import visible_text
from tests.conftest import make_film
from tests.html import find, find_all, links, page, text, texts
from tests.pages.directors import make_directors_catalog
from tests.recommendations.catalog import add_bare_films

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


@pytest.fixture
def films(db) -> dict[str, Film]:
    return make_directors_catalog()  # tests/pages/directors.py


def like(*films: Film) -> str:
    """The canonical address of a mix."""
    return "/like/?films=" + ",".join(str(pk) for pk in sorted(film.pk for film in films))


def titles(response, section: str) -> list[str]:
    """The titles of the cards of a section (#like-3: like all three, #like-2: like two of
    them, #like-1: like one), in order."""
    return [text(card, "h3 a") for card in find_all(page(response), f"{section} li.personal-card")]


def why(response, title: str) -> list[str]:
    """The "Like …" lines of the card of `title`."""
    for card in find_all(page(response), "li.personal-card"):
        if text(card, "h3 a") == title:
            return texts(card, ".like-why li")
    raise AssertionError(f"no card for {title}")


# --- Films like all of them, and why ----------------------------------------------------


def test_it_shows_films_like_both_with_why_for_each(client, films):
    response = client.get(like(films["alien"], films["blade"]))

    assert text(page(response), "h1") == "Films like Alien and Blade Runner"
    # Both share a director with each; The Martian shares Blade Runner's genre too. The
    # chosen films are not suggested, though each suggests the other.
    assert titles(response, "#like-2") == ["The Martian", "Gladiator"]
    assert why(response, "The Martian") == [
        "Like Alien: Same director: Ridley Scott",
        "Like Blade Runner: Same director: Ridley Scott · Only its genre: Noir",
    ]
    assert why(response, "Gladiator") == [
        "Like Alien: Same director: Ridley Scott",
        "Like Blade Runner: Same director: Ridley Scott",
    ]
    assert find_all(page(response), "#like-1") == []
    robots = find(page(response), "meta[name=robots]").get("content")
    assert robots == "noindex, follow"


def test_a_film_like_all_of_them_ranks_by_its_worst_place_in_their_lists(db):
    alien, blade, second_to_both, first_and_fourth, sequel, alone = add_bare_films(6)
    built_at = "2026-01-01T00:00:00Z"

    def suggestions(*scored):
        return [{"id": film.pk, "score": score, "reasons": {}} for film, score in scored]

    # Alien's scores run high (a sequel with the whole cast), Blade Runner's low: scores
    # are not comparable from one film to the other, places are.
    FilmRecommendations.objects.create(
        film=alien,
        suggestions=suggestions(
            (sequel, 110.0), (second_to_both, 60.0), (alone, 50.0), (first_and_fourth, 40.0)
        ),
        built_at=built_at,
    )
    FilmRecommendations.objects.create(
        film=blade,
        suggestions=suggestions((first_and_fourth, 9.0), (second_to_both, 8.0), (sequel, 4.6)),
        built_at=built_at,
    )
    records = list(
        FilmRecommendations.objects.filter(film__in=[alien, blade]).values_list(
            "film_id", "suggestions"
        )
    )

    ranked = [(match.film_id, len(match.like)) for match in rank(records)]

    # 2nd in both lists comes first, though the lowest of its scores (8) is below that of
    # the film 4th in Alien's and 1st in Blade Runner's (9), which comes after the sequel
    # (1st and 3rd). A film like one of them only comes after, however alike.
    assert ranked == [
        (second_to_both.pk, 2),
        (sequel.pk, 2),
        (first_and_fourth.pk, 2),
        (alone.pk, 1),
    ]


def test_with_few_films_like_all_three_the_films_like_two_follow(client, films):
    response = client.get(like(films["alien"], films["blade"], films["armageddon"]))

    assert text(page(response), "h1") == "Films like Alien, Blade Runner and Armageddon"
    assert text(page(response), "#like-3 h2") == "Like all three"
    assert titles(response, "#like-3") == ["Gladiator"]
    assert why(response, "Gladiator") == [
        "Like Alien: Same director: Ridley Scott",
        "Like Blade Runner: Same director: Ridley Scott",
        "Like Armageddon: Same director: Michael Bay",
    ]
    assert text(page(response), "#like-2 h2") == "Like two of the three"
    assert "Fewer films are like all three; these are like two of them." in visible_text(response)
    assert titles(response, "#like-2") == ["The Martian"]
    # Still fewer than ten: the films like one of them, each chosen film in turn (The Rock
    # is like Armageddon alone).
    assert text(page(response), "#like-1 h2") == "Like one of the three"
    assert (
        "Fewer films are like two of them; these are like one of them, each in turn."
        in visible_text(response)
    )
    assert "The Rock" in titles(response, "#like-1")


def test_with_no_film_like_both_it_says_so_and_shows_films_like_one(client, films):
    response = client.get(like(films["alien"], films["shining"]))

    assert find_all(page(response), "#like-2") == []
    assert "No film is like both; these are like one of them." in visible_text(response)
    assert titles(response, "#like-1") == ["Blade Runner", "Gladiator", "The Martian"]
    assert why(response, "Blade Runner") == ["Like Alien: Same director: Ridley Scott"]


# --- The mix: its address, adding and removing -------------------------------------------


@pytest.mark.parametrize("order", ["{b},{a}", "{a},{b},{a}", " {b} , {a} ,"])
def test_the_same_mix_written_otherwise_redirects_to_its_one_address(client, films, order):
    a, b = sorted([films["alien"].pk, films["blade"].pk])

    response = client.get("/like/?films=" + order.format(a=a, b=b))

    assert response.status_code == 301
    assert response.url == f"/like/?films={a},{b}"


def test_other_parameters_are_dropped_by_the_redirect(client, films):
    response = client.get(like(films["alien"]) + "&utm_source=x")

    assert response.status_code == 301 and response.url == like(films["alien"])
    assert client.get("/like/?films=").url == "/like/"


def test_each_chosen_film_has_a_link_removing_it(client, films):
    alien, blade, rock = films["alien"], films["blade"], films["rock"]

    response = client.get(like(alien, blade, rock))

    # Oldest first.
    assert links(page(response), "ul.mix-films") == [
        ("Alien", alien.get_absolute_url()),
        ("Remove Alien from the mix", like(blade, rock)),
        ("Blade Runner", blade.get_absolute_url()),
        ("Remove Blade Runner from the mix", like(alien, rock)),
        ("The Rock", rock.get_absolute_url()),
        ("Remove The Rock from the mix", like(alien, blade)),
    ]
    # Three at most: no form to add a fourth, nor links on the cards.
    assert find_all(page(response), "form.mix-add-form") == []
    assert find_all(page(response), ".mix-add") == []
    assert "Three films at most: remove one to add another." in visible_text(response)


def test_a_film_added_by_its_title_joins_the_mix(client, films):
    response = client.get(like(films["alien"]) + "&add=blade+runner")

    assert response.status_code == 302
    assert response.url == like(films["alien"], films["blade"])


def test_a_title_several_films_match_offers_them_to_pick(client, films):
    alien = films["alien"]

    response = client.get(like(alien) + "&add=the")

    assert text(page(response), "h3#matches-heading") == "Which film, for “the”?"
    offered = links(page(response), "ul[aria-labelledby=matches-heading]")
    assert offered == [
        ("Add The Martian (2015)", like(alien, films["martian"])),
        ("Add The Rock (1996)", like(alien, films["rock"])),
        ("Add The Shining (1980)", like(alien, films["shining"])),
    ]
    # With their directors, which tell apart the films of one title.
    assert texts(page(response), "ul[aria-labelledby=matches-heading] li") == [
        "Add The Martian (2015) · Ridley Scott",
        "Add The Rock (1996) · Michael Bay",
        "Add The Shining (1980) · Stanley Kubrick",
    ]
    # The form keeps the mix and the title searched; the site's search box does not.
    form = find(page(response), "form.mix-add-form")
    assert find(form, "input[name=films]").get("value") == str(alien.pk)
    assert find(form, "input[name=add]").get("value") == "the"
    assert find(page(response), "#search-q").get("value") == ""


def test_the_title_of_a_film_in_the_mix_is_said_and_no_other_film_added(client, films):
    alien, martian = films["alien"], films["martian"]
    chronicles = make_film(title="The Martian Chronicles", year=1980)  # the other match

    response = client.get(like(alien, martian) + "&add=the+martian")

    assert response.status_code == 200
    assert "The Martian is in the mix already." in visible_text(response)
    assert links(page(response), "ul[aria-labelledby=matches-heading]") == [
        ("Add The Martian Chronicles (1980)", like(alien, martian, chronicles))
    ]


def test_films_given_in_several_parameters_are_one_mix(client, films):
    a, b = sorted([films["alien"].pk, films["blade"].pk])

    response = client.get(f"/like/?films={b}&films={a}")

    assert response.status_code == 301 and response.url == f"/like/?films={a},{b}"


def test_a_long_link_is_read_part_by_part_never_cut_inside_a_number(client, films):
    alien = films["alien"]

    response = client.get("/like/?films=" + " " * 300 + f"{alien.pk}")

    assert response.status_code == 301 and response.url == like(alien)


def test_a_title_no_film_matches_is_said(client, films):
    response = client.get(like(films["alien"]) + "&add=zzzz+qqqq")

    assert "No film matches “zzzz qqqq”." in visible_text(response)
    assert text(page(response), "ul.mix-films a.mix-film") == "Alien"


def test_cards_offer_to_add_their_film_to_a_mix_of_two(client, films):
    alien, blade = films["alien"], films["blade"]

    response = client.get(like(alien, blade))

    assert [links(card)[-1] for card in find_all(page(response), "p.mix-add")] == [
        ("Add The Martian to the mix", like(alien, blade, films["martian"])),
        ("Add Gladiator to the mix", like(alien, blade, films["gladiator"])),
    ]


def test_a_mix_of_one_film_offers_its_closest_films_as_the_second(client, films):
    alien = films["alien"]

    response = client.get(like(alien))

    assert text(page(response), "h1") == "Films like these"
    assert "Now add a second film" in visible_text(response)
    assert links(page(response), "ul[aria-labelledby=offered-heading]") == [
        ("Add Blade Runner (1982)", like(alien, films["blade"])),
        ("Add Gladiator (2000)", like(alien, films["gladiator"])),
        ("Add The Martian (2015)", like(alien, films["martian"])),
    ]
    assert find_all(page(response), "li.personal-card") == []


def test_without_a_film_it_says_how_to_start(client, films):
    response = client.get("/like/")

    assert "Pick two or three films and see the films like all of them" in visible_text(response)
    form = find(page(response), "form.mix-add-form")
    assert find_all(form, "input[name=films]") == []
    assert find(form, "label[for=mix-add]") is not None


def test_the_film_page_starts_a_mix_with_the_film(client, films):
    alien = films["alien"]

    response = client.get(alien.get_absolute_url())

    assert links(page(response), "p.mix-start") == [
        ("Start a mix with Alien", f"/like/?films={alien.pk}")
    ]
    assert client.get(f"/fr{alien.get_absolute_url()}").status_code == 200


# --- Bad links ----------------------------------------------------------------------------


def test_parts_that_are_no_film_number_are_left_out_and_said(client, films):
    alien, blade = films["alien"], films["blade"]

    response = client.get(f"/like/?films={alien.pk},abc,{blade.pk},1.5")

    assert response.status_code == 200
    assert texts(page(response), "main p.error") == [
        "“abc” and “1.5” are not film numbers: they were left out."
    ]
    assert titles(response, "#like-2") == ["The Martian", "Gladiator"]


def test_only_words_is_a_page_without_films(client, films):
    response = client.get("/like/?films=abc")

    assert response.status_code == 200
    assert texts(page(response), "main p.error") == ["“abc” is not a film number: it was left out."]
    assert find_all(page(response), "ul.mix-films") == []


def test_numbers_of_no_film_are_left_out_and_said(client, films):
    alien, blade = films["alien"], films["blade"]
    missing = Film.objects.order_by("-pk").first().pk + 1

    response = client.get(like(alien, blade) + f",{missing}")

    assert response.status_code == 200
    assert texts(page(response), "main p.error") == [
        f"No film has the number {missing}: it was left out."
    ]
    assert titles(response, "#like-2") == ["The Martian", "Gladiator"]


def test_more_than_three_films_keeps_the_first_three(client, films):
    names = ["rock", "alien", "blade", "armageddon"]
    ids = ",".join(str(films[name].pk) for name in names)

    response = client.get(f"/like/?films={ids}")

    assert response.status_code == 200
    assert texts(page(response), "main p.error") == [
        "A mix holds 3 films at most: the first 3 of the link were kept."
    ]
    assert texts(page(response), "a.mix-film") == ["Alien", "Blade Runner", "The Rock"]


@pytest.mark.parametrize(
    "query",
    ["films=99999999999999", "films=%00", "films=-1", "films=1e3", "add=", "add=%FF", "films=,,,"],
)
def test_odd_links_never_fail(client, films, query):
    response = client.get(f"/like/?{query}", follow=True)

    assert response.status_code == 200


def test_what_a_link_holds_is_shown_as_text(client, films):
    response = client.get("/like/?films=<b>x</b>&add=<i>y</i>")

    assert b"<b>x" not in response.content and b"<i>y" not in response.content
    assert texts(page(response), "main p.error") == [
        "“<b>x</b>” is not a film number: it was left out."
    ]


def test_post_is_refused(client, films):
    assert client.post(like(films["alien"])).status_code == 405


# --- Queries and the cache ------------------------------------------------------------

# The page's queries, for two films or three:
#   1. the chosen films with their stored suggestions (films_film JOIN recommendations)
#   2. the films shown (films_film)
#   3. the facts of their cards not cached (pages.cards; films_credit)
#   4. the names of the people the reasons mention (films_person)
#   5. the genres they mention (films_genre): one more for themes when some are mentioned
LIKE_QUERIES = 5


def test_the_page_runs_the_same_queries_for_two_films_or_three(
    client, films, django_assert_num_queries
):
    catalog_facets()  # read once per version of the catalog (the footer's themes link)
    with django_assert_num_queries(LIKE_QUERIES):
        two = client.get(like(films["alien"], films["blade"]))
    cache.clear()  # the cards' bodies read again
    catalog_facets()
    with django_assert_num_queries(LIKE_QUERIES):
        three = client.get(like(films["alien"], films["blade"], films["armageddon"]))

    assert titles(two, "#like-2") == ["The Martian", "Gladiator"]
    assert titles(three, "#like-3") == ["Gladiator"]
    assert titles(three, "#like-2") == ["The Martian"]


def visit(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return visible_text(response), len(queries)


def test_the_page_is_stored_whole_until_a_film_it_shows_changes(settings, films):
    settings.WHOLE_PAGE_CACHE = True
    client = Client()
    url = like(films["alien"], films["blade"])
    # The first visit learns which films the page shows, the second stores it.
    visit(client, url)
    visit(client, url)
    assert visit(client, url)[1] == 0

    # A vote on a film it shows: its card's rating.
    vote_submit(film_id=films["gladiator"].pk, visitor=Visitor(cookie_id="w" * 24), stars=5)
    content, queries = visit(client, url)
    assert queries > 0 and "100% · 5.0/5" in content

    # A rebuild: Gladiator no longer shares Alien's director.
    Credit.objects.filter(film=films["gladiator"], person__name="Ridley Scott").delete()
    build_all()
    content, _ = visit(client, url)
    assert "Gladiator" not in content


def test_the_page_in_french(client, films):
    response = client.get("/fr" + like(films["alien"], films["blade"]))

    assert response.status_code == 200
    # The phrases of the reasons, as on a film page.
    assert "Même réalisateur : Ridley Scott" in visible_text(response)
