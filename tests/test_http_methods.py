"""OPTIONS says which methods an address takes, with no page; TRACE is refused."""

import pytest

from tests.conftest import make_film


@pytest.fixture
def film(db):
    return make_film(title="Ran", year=1985)


@pytest.mark.parametrize("prefix", ["", "/fr"])
def test_options_lists_the_methods_and_renders_no_page(client, film, prefix):
    page = client.options(f"{prefix}{film.get_absolute_url()}")
    rate = client.options(f"{prefix}/film/{film.slug}-{film.pk}/rate/")

    assert page.status_code == 204 and page.content == b""
    assert page["Allow"] == "GET, HEAD, OPTIONS"
    assert rate.status_code == 204 and rate["Allow"] == "GET, HEAD, POST, OPTIONS"
    watchlist = client.options(f"{prefix}/film/{film.slug}-{film.pk}/watchlist/")
    assert watchlist.status_code == 204 and watchlist["Allow"] == "POST, OPTIONS"
    assert client.get(f"{prefix}/film/{film.slug}-{film.pk}/watchlist/")["Allow"] == "POST"


def test_trace_is_refused_with_the_methods_taken(client, film):
    response = client.generic("TRACE", film.get_absolute_url())

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert b"Ran" not in response.content


def test_options_on_an_address_with_no_page_is_a_404(client, db):
    assert client.options("/no-such-page/").status_code == 404
