"""The security headers every page carries: a Content-Security-Policy allowing the site's own
scripts and styles only, and a Permissions-Policy refusing the browser features no page uses;
pages served whole from the cache, before Django, carry them too. The browser's side (no
violation on any page, the admin included): tests/browser/test_content_security_policy.py."""

import re
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.urls import reverse

from caching import stored_pages
from tests.html import page

CSS = settings.BASE_DIR / "static" / "css" / "site.css"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.fixture
def rated_film(film_factory):
    return film_factory(title="Ran", slug="ran", rating_average="4.20", rating_count=12)


def test_pages_allow_only_the_sites_own_scripts_and_styles(client, rated_film):
    response = client.get(rated_film.get_absolute_url())

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_pages_refuse_the_browser_features_they_do_not_use(client, rated_film):
    response = client.get(rated_film.get_absolute_url())

    features = dict(part.split("=") for part in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


@pytest.mark.parametrize("name", ["home", "browse", "film", "search", "admin"])
def test_pages_have_no_inline_script_or_style(client, rated_film, name):
    url = {
        "home": reverse("films:home"),
        "browse": reverse("films:browse"),
        "film": rated_film.get_absolute_url(),
        "search": reverse("films:search") + "?q=ran",
        "admin": reverse("admin:login"),
    }[name]
    doc = page(client.get(url))

    assert doc.cssselect("[style]") == []
    assert doc.cssselect("style") == []
    for script in doc.cssselect("script"):
        # Data blocks (JSON-LD, the admin's constants) are not run: CSP leaves them alone.
        data = script.get("type") in ("application/ld+json", "application/json")
        assert script.get("src") or data, script.text


def stars_width(percent_attribute: str) -> int:
    """The width in % that site.css gives the stars' overlay for this data-percent."""
    tens = dict(re.findall(r'\.stars\[data-percent\^="(\d\d)"\] \{ --tens: (\d+)%; \}', CSS_TEXT))
    units = dict(re.findall(r'\.stars\[data-percent\$="(\d)"\] \{ --units: (\d)%; \}', CSS_TEXT))
    return int(tens.get(percent_attribute[:2], 0)) + int(units.get(percent_attribute[2:], 0))


CSS_TEXT = CSS.read_text()


def test_the_stars_are_as_wide_as_the_rating_without_a_style_attribute(client, rated_film):
    doc = page(client.get(rated_film.get_absolute_url()))

    stars = doc.cssselect(".rating .stars")[0]
    assert stars.get("data-percent") == "084"  # 4.2 of 5
    assert stars_width("084") == 84
    assert "calc(var(--tens, 0%) + var(--units, 0%))" in CSS_TEXT


@pytest.mark.parametrize("percent", range(101))
def test_site_css_has_a_width_for_every_percentage(percent):
    assert stars_width(f"{percent:03d}") == percent


# --- Pages served whole from the cache, before Django (filmsite.wsgi.application) ---------


def through_front(path: str) -> dict[str, str]:
    """The headers filmsite.wsgi.application answers a GET with, as gunicorn calls it."""
    from filmsite.wsgi import application

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=dict(headers))

    result = application(environ, start_response)
    b"".join(result)
    if hasattr(result, "close"):
        result.close()
    assert started["status"] == "200 OK"
    return started["headers"]


def test_pages_served_whole_from_the_cache_carry_the_same_headers(
    settings, redis_cache, rated_film, monkeypatch
):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from filmsite.wsgi import application

    settings.WHOLE_PAGE_CACHE = True
    stored_pages.forget_pages_met()
    url = rated_film.get_absolute_url()
    # The test's transaction must outlive each request, as with Django's test client.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        rendered = [through_front(url) for _ in range(2)][-1]

        def django(environ, start_response):
            raise AssertionError("the page was not served from the cache")

        monkeypatch.setattr(application, "application", django)
        served = through_front(url)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    for name in ("Content-Security-Policy", "Permissions-Policy"):
        assert served[name] == rendered[name]
    assert "script-src 'self'" in served["Content-Security-Policy"]
    assert "camera=()" in served["Permissions-Policy"]
