"""Whole pages from the cache (caching/whole_pages.py): served without the database to
visitors the page does not vary for, and never after what they show has changed."""

import gzip
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caching import stored_pages, surrogate_keys, whole_pages
from caching.holes import HOLES
from films.catalog.models import Credit, Film, Person
from films.community.forms import FormStamp
from films.community.models import Comment
from films.community.services import vote_submit
from films.community.visitors import Visitor, remember_visitor
from recommendations.services import build_all
from tests.community.helpers import aged_stamp, post_comment, rate, visible_text
from tests.recommendations.catalog import add_bare_films, add_films_credited_to

MARKERS = list(HOLES.values())


@pytest.fixture(autouse=True)
def whole_pages_on(settings):
    settings.WHOLE_PAGE_CACHE = True


@pytest.fixture
def figgis(db):
    add_bare_films(200)
    films = add_films_credited_to("Mike Figgis", Credit.Role.DIRECTOR, 3)
    for i, film in enumerate(films):
        Film.objects.filter(pk=film.pk).update(
            title=f"Figgis film {i}", slug=f"figgis-film-{i}", year=1990
        )
    build_all()
    return [Film.objects.get(pk=f.pk) for f in films]


NINETIES = reverse("films:decade", kwargs={"start": 1990})


def visit(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def without_fresh_values(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    return re.sub(r'name="stamp" value="[^"]+"', "stamp", html)


def test_a_film_page_is_served_without_the_database_once_stored(client, figgis):
    url = figgis[0].get_absolute_url()
    first, first_queries = visit(client, url)
    # The first visit learns which films the page shows; the second stores the page with
    # their stamps, read before it was rendered; the third reads nothing.
    visit(client, url)
    third, third_queries = visit(client, url)

    assert first_queries > 0 and third_queries == 0
    assert without_fresh_values(third.content.decode()) == without_fresh_values(
        first.content.decode()
    )
    assert "Figgis film 1" in third.content.decode()
    assert not any(marker in third.content.decode() for marker in MARKERS)


def test_each_stored_page_gets_its_own_comment_stamp_and_a_working_csrf_token(figgis):
    browser = Client(enforce_csrf_checks=True)
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        html = visit(browser, url)[0].content.decode()
    stamps = set()
    for _ in range(2):
        html = visit(browser, url)[0].content.decode()
        stamps.add(re.search(r'name="stamp" value="([^"]+)"', html).group(1))
    assert len(stamps) == 2 and all(FormStamp.read(stamp, figgis[0].pk) for stamp in stamps)

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = rate(browser, figgis[0], stars=4, csrfmiddlewaretoken=token)

    assert response.status_code == 302
    assert Film.objects.get(pk=figgis[0].pk).votes_count == 1


def test_a_vote_shows_at_once_to_the_voter_and_to_everyone_else(client, figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        visit(client, url)
    voter = Client()
    visit(voter, url)

    rate(voter, figgis[0], stars=5)

    assert "You gave it 5 stars" in visible_text(visit(voter, url)[0])
    page = visible_text(visit(client, url)[0])
    assert "1 vote on filmsite." in page and "You gave it" not in page


def test_a_vote_on_a_suggested_film_shows_on_the_page_suggesting_it(client, figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        visit(client, url)

    vote_submit(film_id=figgis[1].pk, visitor=Visitor(cookie_id="w" * 24), stars=5)

    similar = visit(client, url)[0].content.decode().split('id="similar"')[1]
    assert "100% · 5.0/5" in similar


def test_a_new_comment_and_a_hidden_one_show_at_once(admin_client, client, figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        visit(client, url)

    post_comment(Client(), figgis[0], name="Ada", body="Haunting.", stamp=aged_stamp(figgis[0]))
    assert "Haunting." in visible_text(visit(client, url)[0])

    comment = Comment.objects.get(body="Haunting.")
    admin_client.post(
        reverse("admin:films_comment_changelist"),
        {"action": "hide", "_selected_action": [comment.pk]},
    )
    assert "Haunting." not in visible_text(visit(client, url)[0])


def test_a_person_page_is_served_without_the_database_until_a_vote_changes_it(client, figgis):
    url = Person.objects.get(name="Mike Figgis").get_absolute_url()
    first, first_queries = visit(client, url)
    visit(client, url)
    third, third_queries = visit(client, url)
    vote_submit(film_id=figgis[0].pk, visitor=Visitor(cookie_id="v" * 24), stars=5)
    after_vote, after_vote_queries = visit(client, url)  # their films' average changed

    assert first_queries > 0 and third_queries == 0 and after_vote_queries > 0
    assert third.content == first.content
    assert "Figgis film 2" in visible_text(third)


def test_a_curators_edit_shows_on_every_page_at_once(admin_client, client, figgis):
    person = Person.objects.get(name="Mike Figgis")
    pages = [
        figgis[1].get_absolute_url(),
        NINETIES,
        f"{reverse('films:search')}?q=figgis",
        person.get_absolute_url(),
    ]
    for url in pages * 3:
        visit(client, url)

    admin_client.post(
        f"/admin/films/person/{person.pk}/change/",
        {"name": "Michael Figgis", "slug": person.slug, "external_id": ""},
    )

    for url in pages:
        text = visible_text(visit(client, url)[0])
        assert "Michael Figgis" in text and "Mike Figgis" not in text, url


def test_a_vote_reorders_the_lists_at_once(client, figgis):
    url = f"{NINETIES}?sort=rating"
    for _ in range(2):
        visit(client, url)

    vote_submit(film_id=figgis[2].pk, visitor=Visitor(cookie_id="o" * 24), stars=5)

    first_card = visit(client, url)[0].content.decode().split('<article class="film-card">')[1]
    assert "Figgis film 2" in first_card


def test_visitors_with_a_session_or_a_message_get_their_own_page(client, figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        visit(client, url)
    voter = Client()
    response = rate(voter, figgis[0], stars=3)
    assert response.status_code == 302

    # The message saying the vote was saved, on the page the vote redirects to.
    assert "Thank you! You gave" in visible_text(voter.get(response["Location"]))


def test_a_rebuild_shows_at_once(client, figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        assert "Figgis film 2" in visit(client, url)[0].content.decode()

    Credit.objects.filter(film=figgis[2]).delete()
    build_all()

    assert "Figgis film 2" not in visit(client, url)[0].content.decode()


def test_credits_deleted_by_an_admin_action_leave_the_lists(admin_client, client, figgis):
    for _ in range(2):
        assert "Mike Figgis" in visible_text(visit(client, NINETIES)[0])
    credits = list(Credit.objects.filter(person__name="Mike Figgis").values_list("pk", flat=True))

    admin_client.post(
        reverse("admin:films_credit_changelist"),
        {"action": "delete_selected", "_selected_action": credits, "post": "yes"},
    )

    assert not Credit.objects.filter(pk__in=credits).exists()
    assert "Mike Figgis" not in visible_text(visit(client, NINETIES)[0])


# --- In front of Django: filmsite.wsgi.application, as gunicorn runs it ------------------


@dataclass
class FrontResponse:
    status: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def html(self) -> str:
        """The page as a browser reads it."""
        gzipped = self.header("Content-Encoding") == "gzip"
        return (gzip.decompress(self.body) if gzipped else self.body).decode()

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def cookie(self, name: str) -> str | None:
        cookies = [v for k, v in self.headers if k == "Set-Cookie"]
        found = [SimpleCookie(c)[name] for c in cookies if name in SimpleCookie(c)]
        return found[0].value if found else None

    def token(self) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.html).group(1)


@pytest.fixture
def front(redis_cache):
    """The WSGI application gunicorn serves, called in the test's process (`through`), with
    the cache every process shares in production."""
    from filmsite.wsgi import application

    stored_pages.forget_pages_met()  # no page met before this test
    return application


def through(
    front, path, cookie="", method="GET", accept_encoding="", if_none_match=""
) -> FrontResponse:
    """A request to the WSGI application as a server sends it. Django's test Client and
    RequestFactory go through a handler of their own, never through the front; here wsgiref
    fills in the rest of the environ and checks both sides keep to WSGI (PEP 3333)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": "testserver",
        "SCRIPT_NAME": "",
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    if accept_encoding:
        environ["HTTP_ACCEPT_ENCODING"] = accept_encoding
    if if_none_match:
        environ["HTTP_IF_NONE_MATCH"] = if_none_match
    setup_testing_defaults(environ)
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=headers)

    # As Django's test client does for each request: the test's transaction outlives it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = validator(front)(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):  # as a WSGI server does
                result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return FrontResponse(started["status"], started["headers"], body)


def keep_django_out(front, monkeypatch) -> None:
    def django(environ, start_response):
        raise AssertionError(f"{environ['PATH_INFO']} reached Django")

    monkeypatch.setattr(front, "application", django)


def test_the_front_serves_a_page_it_has_met_without_django(front, figgis, monkeypatch):
    url = figgis[0].get_absolute_url()
    rendered = [through(front, url) for _ in range(2)][-1]
    keep_django_out(front, monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        served = through(front, url)

    assert served.status == "200 OK" and len(queries) == 0
    assert without_fresh_values(served.html) == without_fresh_values(rendered.html)
    assert not any(marker in served.html for marker in MARKERS)
    # The headers Django and its middleware gave the page (the security ones among them);
    # each response has its own cookie and request id (tests/test_observability.py).
    assert {k: v for k, v in served.headers if k not in ("Set-Cookie", "X-Request-ID")} == {
        k: v for k, v in rendered.headers if k not in ("Set-Cookie", "X-Request-ID")
    }
    assert served.header("X-Frame-Options") == "DENY"
    assert served.header("Vary") == "Cookie, Accept-Encoding, Accept-Language"
    assert served.header("Content-Encoding") is None  # not asked for
    assert int(served.header("Content-Length")) == len(served.body)


# What Chromium asks for.
BROWSERS_ENCODINGS = "gzip, deflate, br, zstd"


def test_the_front_serves_a_stored_page_gzipped_to_a_browser_that_asks(front, figgis, monkeypatch):
    url = figgis[0].get_absolute_url()
    plain = [through(front, url) for _ in range(2)][-1]
    keep_django_out(front, monkeypatch)
    served = [through(front, url, accept_encoding=BROWSERS_ENCODINGS) for _ in range(2)]

    for page in served:
        assert page.header("Content-Encoding") == "gzip"
        assert int(page.header("Content-Length")) == len(page.body) < len(plain.body) / 2
        # gzip.decompress checks the stream's length and checksum.
        assert without_fresh_values(page.html) == without_fresh_values(plain.html)
        assert not any(marker in page.html for marker in MARKERS)
    assert served[0].token() != served[1].token()
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = served[1].cookie("csrftoken")
    response = rate(browser, figgis[0], stars=4, csrfmiddlewaretoken=served[1].token())
    assert response.status_code == 302


@pytest.mark.parametrize(
    "content, value",
    [
        (b"", "v"),
        (b"no fresh value", "v"),
        (MARKERS[0].encode(), ""),
        (MARKERS[0].encode() * 2 + "é 日本".encode(), "é"),
        (b"a" + MARKERS[1].encode() + b"b" * 100_000, "v" * 70_000),  # two stored blocks
    ],
)
def test_a_gzipped_stored_page_is_the_page_whatever_its_pieces(content, value):
    class Response:
        def __init__(self, content):
            self.content = content

        def items(self):
            return []

    class Values:
        def value(self, name):
            return value

    page = stored_pages.StoredPage.of(Response(content), {})
    plain = page.content_for(Values(), gzipped=False)

    assert gzip.decompress(page.content_for(Values(), gzipped=True)) == plain
    assert plain == content.replace(MARKERS[0].encode(), value.encode()).replace(
        MARKERS[1].encode(), value.encode()
    )


def test_django_gzips_what_it_renders_and_what_it_stored(figgis):
    url = figgis[0].get_absolute_url()
    plain = visit(Client(), url)[0].content.decode()
    browser = Client(headers={"Accept-Encoding": BROWSERS_ENCODINGS})
    own = Client(headers={"Accept-Encoding": BROWSERS_ENCODINGS})
    own.cookies[settings.SESSION_COOKIE_NAME] = "a-session"  # a page of their own

    # Rendered, rendered with every stamp and stored, served as stored: then their own.
    responses = [visit(browser, url) for _ in range(3)] + [visit(own, url)]

    assert responses[2][1] == 0
    for response, _ in responses:
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        html = gzip.decompress(response.content).decode()
        assert without_fresh_values(html) == without_fresh_values(plain)


@pytest.mark.parametrize("secure, age", [(False, 3600), (True, 31449600), (True, None)])
def test_the_front_sets_the_csrf_cookie_as_django_does(front, figgis, settings, secure, age):
    settings.CSRF_COOKIE_SECURE = secure
    settings.CSRF_COOKIE_AGE = age  # None: a cookie for the browser's session
    settings.CSRF_COOKIE_DOMAIN = "testserver"
    url = figgis[0].get_absolute_url()
    rendered, _, served = [through(front, url) for _ in range(3)]

    def attributes(response):
        cookie = SimpleCookie(response.header("Set-Cookie"))["csrftoken"]
        return {k: v for k, v in cookie.items() if k != "expires"}

    assert attributes(served) == attributes(rendered)
    assert bool(attributes(served)["secure"]) is secure
    assert attributes(served)["domain"] == "testserver"
    assert attributes(served)["max-age"] == ("" if age is None else str(age))
    assert ("expires=" in served.header("Set-Cookie")) is (age is not None)


def test_a_visitor_with_a_malformed_csrf_cookie_gets_a_token_that_works(figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(2):  # rendered, then rendered with every stamp and stored
        visit(Client(), url)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = "not-a-csrf-secret"
    response, queries = visit(browser, url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())

    assert queries == 0  # the stored page, served by Django
    assert rate(browser, figgis[0], stars=4, csrfmiddlewaretoken=token.group(1)).status_code == 302


def test_a_page_without_a_form_sets_no_csrf_cookie_as_django_would_not(figgis):
    browser = Client()
    browser.cookies["csrftoken"] = "Abc123" * 5 + "xy"
    for _ in range(3):  # rendered, rendered with every stamp, then served as stored
        response = visit(browser, NINETIES)[0]

        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert "csrftoken" not in response.cookies


def test_a_page_met_recently_is_served_reading_only_its_surrogate_keys(front, figgis, monkeypatch):
    url = figgis[0].get_absolute_url()
    rendered = [through(front, url) for _ in range(2)][-1]
    read = []
    shared = surrogate_keys.cache

    class Watched:
        def __getattr__(self, name):
            return getattr(shared, name)

        def get_many(self, keys):
            read.append(list(keys))
            return shared.get_many(keys)

    monkeypatch.setattr(surrogate_keys, "cache", Watched())
    keep_django_out(front, monkeypatch)
    served = through(front, url)

    assert without_fresh_values(served.html) == without_fresh_values(rendered.html)
    assert len(read) == 1 and read[0] and all(key.startswith("surrogate-key:") for key in read[0])

    # No longer than the cache keeps the page: then it is read again.
    for kept in stored_pages.pages_kept.values():
        kept.rendered_at -= stored_pages.TIMEOUT
    read.clear()
    through(front, url)
    assert any(key.startswith("page:") for key in read[-1])


def test_the_front_leaves_head_requests_to_django(front, figgis, monkeypatch):
    search = f"{reverse('films:search')}?q=figgis"
    for _ in range(3):
        assert through(front, search).status == "200 OK"
    reached = []

    def django(environ, start_response):
        reached.append(environ["REQUEST_METHOD"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b""]

    monkeypatch.setattr(front, "application", django)
    # Django says how a view answers HEAD (some refuse it).
    through(front, search, method="HEAD")

    assert reached == ["HEAD"]


def test_the_front_leaves_the_page_to_django_when_the_cache_is_out_of_reach(
    front, figgis, monkeypatch
):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        through(front, url)

    def unreachable(key):
        raise ConnectionError("Redis is down")

    def django(environ, start_response):
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"Django answered"]

    monkeypatch.setattr(whole_pages, "stored_page_and_versions", unreachable)
    monkeypatch.setattr(front, "application", django)

    assert through(front, url).html == "Django answered"


def test_django_accepts_the_csrf_tokens_of_a_page_from_the_front(front, figgis):
    url = figgis[0].get_absolute_url()
    served = [through(front, url) for _ in range(3)][-1]
    secret = served.cookie("csrftoken")
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', served.html)
    # The vote form's, the watchlist form's and the comment form's: one token for the page,
    # as Django gives them on a page it renders for a visitor of their own (a session: never
    # stored).
    own = Client()
    own.cookies[settings.SESSION_COOKIE_NAME] = "a-session"
    djangos = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', own.get(url).text)
    assert secret and len(tokens) == len(djangos) == 3
    assert len(set(tokens)) == len(set(djangos)) == 1

    for stars, token in zip((4, 5, 3), tokens, strict=True):
        browser = Client(enforce_csrf_checks=True)
        browser.cookies["csrftoken"] = secret
        response = rate(browser, figgis[0], stars=stars, csrfmiddlewaretoken=token)
        assert response.status_code == 302

    assert Film.objects.get(pk=figgis[0].pk).votes_count == 3


def test_a_visitor_keeps_their_csrf_secret_on_pages_from_the_front(front, figgis):
    url = figgis[0].get_absolute_url()
    secret = "Abc123" * 5 + "xy"
    pages = [through(front, url, cookie=f"csrftoken={secret}") for _ in range(4)]

    assert {page.cookie("csrftoken") for page in pages} == {secret}
    assert len({page.token() for page in pages}) == 4  # masked afresh each time
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = secret
    response = rate(browser, figgis[0], stars=2, csrfmiddlewaretoken=pages[-1].token())
    assert response.status_code == 302


def test_after_a_vote_the_front_serves_the_new_rating(front, figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        assert "from 1 rating" not in through(front, url).html

    vote_submit(film_id=figgis[1].pk, visitor=Visitor(cookie_id="f" * 24), stars=5)

    similar = through(front, url).html.split('id="similar"')[1]
    assert "100% · 5.0/5" in similar


def test_the_front_leaves_other_requests_to_django(front, figgis, monkeypatch):
    url = figgis[0].get_absolute_url()
    for _ in range(3):
        through(front, url)
    voter = Client()
    rate(voter, figgis[0], stars=3)
    visitor_cookie = f"filmsite_visitor={voter.cookies['filmsite_visitor'].value}"

    def no_stored_pages(key):
        raise AssertionError("looked up in the cache of whole pages")

    monkeypatch.setattr(whole_pages, "stored_page_and_versions", no_stored_pages)

    assert through(front, reverse("films:health")).html == "ok"
    own = through(front, url, cookie=visitor_cookie)
    assert own.status == "200 OK" and "You gave it 3 stars" in visible_text_of(own.html)


def visible_text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- Redis out of reach ----------------------------------------------------------------


@pytest.fixture
def unreachable_redis(settings):
    """The shared cache as production configures it, with no server to answer it."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "caching.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"},
    }
    stored_pages.forget_pages_met()


def test_pages_come_from_the_database_while_redis_is_out_of_reach(figgis, unreachable_redis):
    from filmsite.wsgi import application

    pages = [
        figgis[0].get_absolute_url(),
        reverse("films:similar", args=[figgis[0].slug, figgis[0].pk]),
        NINETIES,
        reverse("films:search") + "?q=figgis",
        reverse("films:home"),
    ]
    for url in pages:
        for _ in range(2):  # the second time, the page's key is known to the front
            assert through(application, url).status == "200 OK", url

    film_page = visible_text(Client().get(pages[0]))
    assert "Figgis film 1" in film_page and "Mike Figgis" in film_page


def test_a_vote_is_refused_with_a_message_while_redis_is_out_of_reach(figgis, unreachable_redis):
    voter = Client()
    response = rate(voter, figgis[0], stars=5)

    assert response.status_code == 503
    assert "could not be saved just now" in visible_text(response)
    # Stored, it would not show on the pages stored before: nothing is stored.
    assert Film.objects.get(pk=figgis[0].pk).votes_count == 0


def test_a_comment_is_refused_and_kept_in_the_form_while_redis_is_out_of_reach(
    figgis, unreachable_redis
):
    response = post_comment(Client(), figgis[0], body="Kept for the next try.")

    assert response.status_code == 503
    page = visible_text(response)
    assert "could not be stored just now" in page and "Kept for the next try." in page
    assert not Comment.objects.exists()


def test_a_process_leaves_redis_alone_for_a_moment_after_it_failed_to_answer(
    figgis, unreachable_redis, monkeypatch
):
    # A Redis that does not answer costs each attempt its timeout: one attempt, not one
    # for each of the dozen cache calls of each page.
    from redis.connection import Connection

    attempts = []
    connect = Connection.connect
    monkeypatch.setattr(Connection, "connect", lambda self: attempts.append(1) or connect(self))
    for _ in range(3):
        assert Client().get(figgis[0].get_absolute_url()).status_code == 200
    assert rate(Client(), figgis[0], stars=5).status_code == 503

    assert len(attempts) == 1


def test_a_build_keeps_no_batch_it_could_not_announce_while_redis_is_out_of_reach(
    db, unreachable_redis
):
    from recommendations.models import FilmRecommendations

    add_films_credited_to("Mike Figgis", Credit.Role.DIRECTOR, 3)

    with pytest.raises(surrogate_keys.CacheUnreachable):
        build_all()
    assert not FilmRecommendations.objects.exists()


# --- Standard HTTP caching: surrogate keys, validators, purges ----------------------------


def test_a_stored_page_names_what_it_shows_in_its_surrogate_keys(front, figgis):
    url = figgis[0].get_absolute_url()
    rendered, _, served = [through(front, url) for _ in range(3)]

    keys = served.header("Surrogate-Key").split()
    assert served.header("Surrogate-Key") == rendered.header("Surrogate-Key")
    # The catalog, the film itself and the films it suggests (their ratings show).
    assert {"catalog", f"film-{figgis[0].pk}", f"film-{figgis[1].pk}"} <= set(keys)
    assert "ratings" not in keys  # a vote elsewhere leaves a film's page alone
    search = through(front, f"{reverse('films:search')}?q=figgis")
    assert set(search.header("Surrogate-Key").split()) >= {"catalog", "ratings"}


def test_a_browser_sending_the_pages_etag_back_gets_a_304_until_the_film_changes(front, figgis):
    url = figgis[0].get_absolute_url()
    first = [through(front, url) for _ in range(3)][-1]
    etag = first.header("ETag")
    assert etag.startswith('W/"')

    again = through(front, url, if_none_match=etag)  # before Django: the front answers
    assert again.status == "304 Not Modified" and again.body == b""
    assert again.header("ETag") == etag
    # Django answers as well, for a page the front has not met (the test client's URL).
    stored = [Client().get(url) for _ in range(2)][-1]["ETag"]
    assert Client(headers={"If-None-Match": stored}).get(url).status_code == 304

    rate(Client(), figgis[0], stars=2)
    changed = through(front, url, if_none_match=etag)
    assert changed.status == "200 OK" and "2.0/5" in changed.html
    assert changed.header("ETag") != etag


def test_a_page_rendered_for_a_visitor_of_their_own_has_no_validator(front, figgis):
    url = figgis[0].get_absolute_url()
    for _ in range(2):
        through(front, url)
    voter = Client()
    rate(voter, figgis[0], stars=3)
    cookie = f"filmsite_visitor={voter.cookies['filmsite_visitor'].value}"

    own = through(front, url, cookie=cookie)

    assert own.status == "200 OK" and own.header("ETag") is None
    assert own.header("Surrogate-Key") is None


def record_purge(keys):
    PURGED.append(sorted(keys))


PURGED = []


def test_a_change_purges_its_surrogate_keys_through_the_hook_once_committed(
    figgis, settings, django_capture_on_commit_callbacks
):
    settings.SURROGATE_KEY_PURGE_HOOK = f"{__name__}.record_purge"
    PURGED.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        vote_submit(film_id=figgis[0].pk, visitor=Visitor(cookie_id="p" * 24), stars=4)
        assert PURGED == []  # not before the vote is committed
    for callback in callbacks:
        callback()

    assert PURGED == [sorted(["ratings", f"film-{figgis[0].pk}"])]


def test_a_response_setting_a_cookie_the_page_cache_does_not_know_is_refused(rf):
    def view_setting_a_new_cookie(request):
        response = HttpResponse("a page")
        response.set_cookie("recently_viewed", "1,2,3")
        return response

    middleware = whole_pages.WholePageMiddleware(view_setting_a_new_cookie)
    with pytest.raises(whole_pages.UnknownCookie, match="recently_viewed"):
        middleware(rf.get("/"))


def test_the_sites_own_cookies_are_known_to_the_page_cache(rf):
    def view_setting_the_visitor_cookie(request):
        response = HttpResponse("a page")
        remember_visitor(response, Visitor(cookie_id="v" * 24))
        return response

    response = whole_pages.WholePageMiddleware(view_setting_the_visitor_cookie)(rf.get("/"))

    assert "filmsite_visitor" in response.cookies


def test_every_page_served_from_the_cache_says_what_it_shows():
    from django.urls import get_resolver

    cached = {}
    for pattern in get_resolver("pages.urls").url_patterns:
        declared = getattr(pattern.callback, "surrogate_keys", None)
        if declared is not None:
            kwargs = {name: 1 for name in pattern.pattern.regex.groupindex}
            cached[pattern.name] = sorted(declared(**kwargs))

    # Lists and people show ratings; the home page the newest comments too; a film's pages
    # show the film.
    assert cached["home"] == ["catalog", "comments", "ratings"]
    assert cached["detail"] == ["catalog", "film-1"]
    assert cached["similar"] == ["catalog", "film-1"]
    assert cached["person"] == ["catalog", "ratings"]  # their films' average
    assert all("catalog" in keys for keys in cached.values())
    assert {"search", "browse", "genre", "decade"} <= cached.keys()
