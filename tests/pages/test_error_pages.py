"""The pages a visitor gets when something is wrong: an address with no page, a form the
CSRF check refused, an error on the server. Each says what happened and what to do, in
the site's own layout and language."""

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from films.community.models import Comment
from pages.views.errors import bad_request, server_error
from tests.community.helpers import comment_data, visible_text
from tests.conftest import make_film

# Whitenoise warns that collectstatic has not been run; these pages need no static files.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


@pytest.mark.parametrize(
    "path", ["/no-such-page/", "/film/gone-999/", "/person/nobody-999/", "/browse/?page=abc"]
)
def test_an_address_with_no_page_says_so_and_offers_a_way_on(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    text = visible_text(response)
    assert "Page not found" in text
    assert "There is no page at this address." in text
    # The site's own header with its search box, and links on.
    assert "Search a film or a person" in text
    assert "Go to the home page" in text and "Browse films" in text
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_an_address_with_no_page_under_fr_says_so_in_french(client, db):
    response = client.get("/fr/pas-de-page/")

    assert response.status_code == 404
    text = visible_text(response)
    assert "Page introuvable" in text
    assert "Page not found" not in text


def test_a_comment_refused_by_the_csrf_check_comes_back_with_its_text(db):
    film = make_film(title="Ran", year=1985)
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        reverse("films:comments", args=[film.slug, film.pk]),
        comment_data(film, body="The battle scene, without a sound."),
    )

    assert response.status_code == 403
    text = visible_text(response)
    assert "Your form could not be sent" in text
    assert "Allow cookies for this site" in text
    assert "The battle scene, without a sound." in text
    assert Comment.objects.count() == 0


def test_another_sites_form_refused_by_the_csrf_check_does_not_put_its_text_on_the_page(db):
    film = make_film(title="Ran", year=1985)
    browser = Client(enforce_csrf_checks=True)
    token = browser.get(film.get_absolute_url()).context["csrf_token"]

    response = browser.post(
        reverse("films:comments", args=[film.slug, film.pk]),
        comment_data(film, body="Words of another site.", csrfmiddlewaretoken=str(token)),
        headers={"origin": "https://elsewhere.example"},
    )

    assert response.status_code == 403
    text = visible_text(response)
    assert "Your form could not be sent" in text
    assert "Words of another site." not in text


def test_a_vote_refused_by_the_csrf_check_answers_the_page_script_in_json(db):
    film = make_film(title="Ran", year=1985)
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        reverse("films:rate", args=[film.slug, film.pk]),
        {"stars": "4"},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 403
    assert response.json()["error"].startswith("Your form could not be sent.")


def test_a_server_error_page_is_rendered_without_a_request_context():
    # Django renders 500.html with no request and no context processors: it must not
    # need them, or the error would hide behind a bare one.
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    text = visible_text(response)
    assert "Something went wrong" in text
    assert "Please try again in a moment." in text


@pytest.mark.parametrize(
    "path", ["/healthz", "/robots.txt", "/search/?q=ran", "/search/suggest.json?q=ran"]
)
def test_pages_that_answer_get_answer_head_too(client, db, path):
    # Load balancers and link checkers ask with HEAD.
    assert client.head(path).status_code == 200


@pytest.mark.parametrize("page", ["2147483649", "184467440737097", "99999999999999999999"])
def test_a_sitemap_page_far_past_the_end_is_a_404(client, db, page):
    make_film(title="Ran", year=1985)

    assert client.get("/sitemap-films.xml", {"p": page}).status_code == 404
    assert client.get("/sitemap-people.xml", {"p": page}).status_code == 404


def test_a_bad_request_page_is_rendered_without_a_request_context(client, db):
    # More fields than Django takes (DATA_UPLOAD_MAX_NUMBER_FIELDS): a 400 of the site's.
    response = client.get("/search/", {f"f{n}": "x" for n in range(1100)})

    assert response.status_code == 400
    text = visible_text(response)
    assert "Bad request" in text
    assert "Go back and try again" in text
    assert "Bad request" in visible_text(bad_request(RequestFactory().get("/"), Exception()))


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "cp1252"])
def test_a_form_in_another_charset_than_utf8_gets_the_bad_request_page(db, charset):
    # Django reads urlencoded forms in UTF-8 only; its CSRF check read the form again in
    # the error handler and failed again: a bare 500 (issue 22, finding 4).
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.cookies["csrftoken"] = "a" * 32
    film = make_film(title="Ran", year=1985)

    for url, status, says in [
        ("/", 400, "Bad request"),
        (f"/film/{film.slug}-{film.pk}/rate/", 400, "Bad request"),
        ("/no-such-page/", 404, "Page not found"),  # no form read: no page there
    ]:
        response = browser.post(
            url,
            data=b"stars=3&csrfmiddlewaretoken=x",
            content_type=f"application/x-www-form-urlencoded; charset={charset}",
        )
        assert response.status_code == status, url
        assert says in visible_text(response)


def test_a_page_not_found_renders_with_the_database_out_of_reach(client, db, monkeypatch):
    # Its footer asks whether any film has a theme; with no database to ask, it does not
    # link the themes, and the page still renders.
    def unreachable():
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("pages.templatetags.film_extras.catalog_facets", unreachable)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    text = visible_text(response)
    assert "Page not found" in text
    assert "Decades" in text and "Themes" not in text
