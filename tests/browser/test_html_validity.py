"""The Nu HTML Checker (vnu) finds no errors in the HTML the server sends."""

import pytest

from tests.browser.catalog import PAGES, make_catalog
from tests.browser.tools import require_vnu, vnu_errors, waiting_for_comments

# Whitenoise warns that collectstatic has not been run; pages need no static files here.
pytestmark = [pytest.mark.vnu, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture(scope="session")
def java():
    return require_vnu()


def described(errors: list[dict]) -> list[str]:
    return [
        f"line {e.get('lastLine')}: {e['message']} [{e.get('extract', '').strip()}]" for e in errors
    ]


@pytest.mark.parametrize("name", PAGES)
def test_the_nu_html_checker_finds_no_errors(client, db, java, name):
    response = client.get(make_catalog().urls[name])
    assert response.status_code == 200
    errors = described(vnu_errors(java, response.content.decode()))
    assert not errors, "\n".join(errors)


@waiting_for_comments
def test_the_nu_html_checker_finds_no_errors_on_the_comment_error_page(client, db, java):
    vegas = make_catalog().vegas
    response = client.post(f"{vegas.get_absolute_url()}comments/", {"name": "", "body": ""})
    assert response.status_code == 400
    errors = described(vnu_errors(java, response.content.decode()))
    assert not errors, "\n".join(errors)


def test_the_nu_html_checker_finds_no_errors_on_the_page_not_found(client, db, java):
    response = client.get("/film/no-such-film-999999/")
    assert response.status_code == 404
    errors = described(vnu_errors(java, response.content.decode()))
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("status", [400, 500])
def test_the_nu_html_checker_finds_no_errors_on_the_pages_rendered_without_a_request(
    rf, java, status
):
    from django.views.defaults import bad_request, server_error

    if status == 400:
        response = bad_request(rf.get("/"), Exception())
    else:
        response = server_error(rf.get("/"))
    assert response.status_code == status
    errors = described(vnu_errors(java, response.content.decode()))
    assert not errors, "\n".join(errors)
