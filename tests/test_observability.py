"""What an operator reads: every request's id in its response and its log lines, JSON logs in
production, errors reported to Sentry when a DSN is set."""

import json
import logging
import re
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from caching import stored_pages
from tests.test_settings import clean_env, production_env, run_python

NGINX_ID = "0f6a3c1e9b2d4a7c8e5f1a2b3c4d5e6f"  # nginx's $request_id: 32 hex digits
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def through(path: str, **headers: str) -> tuple[str, dict[str, str]]:
    """Status and headers filmsite.wsgi.application answers a GET with, as gunicorn calls it."""
    from filmsite.wsgi import application

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver"}
    environ.update({"HTTP_" + name.upper(): value for name, value in headers.items()})
    setup_testing_defaults(environ)
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started.update(status=status, headers=dict(response_headers))

    # The test's transaction must outlive each request, as with Django's test client.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        b"".join(result)
        if hasattr(result, "close"):
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started["status"], started["headers"]


# --- The request id ---------------------------------------------------------------------


def test_a_request_keeps_the_id_the_front_proxy_gave_it(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": NGINX_ID})

    assert response["X-Request-ID"] == NGINX_ID


@pytest.mark.parametrize("given", [None, "", "not-an-id", "x" * 200, "1234; drop"])
def test_a_request_without_a_valid_id_gets_a_new_one(client, db, given):
    headers = {} if given is None else {"X-Request-ID": given}
    first = client.get("/healthz", headers=headers)["X-Request-ID"]
    second = client.get("/healthz", headers=headers)["X-Request-ID"]

    assert HEX_ID.match(first) and HEX_ID.match(second)
    assert first != second


def test_every_log_line_of_a_request_carries_its_id(client, db, caplog, settings):
    # The filter the console's handler has (settings.LOGGING), on the handler pytest reads.
    from django_guid.log_filters import CorrelationId

    options = dict(settings.LOGGING["filters"]["request_id"])
    assert options.pop("()") == "django_guid.log_filters.CorrelationId"
    caplog.handler.addFilter(CorrelationId(**options))
    with caplog.at_level(logging.WARNING):
        client.get("/not-a-page/", headers={"X-Request-ID": NGINX_ID})  # "Not Found: ..."
        client.get("/not-a-page/")

    first, second = (r for r in caplog.records if r.name == "django.request")
    assert first.request_id == NGINX_ID
    assert HEX_ID.match(second.request_id) and second.request_id != NGINX_ID


def test_pages_served_whole_from_the_cache_answer_their_own_id(
    settings, redis_cache, film_factory, monkeypatch
):
    from filmsite.wsgi import application

    settings.WHOLE_PAGE_CACHE = True
    stored_pages.forget_pages_met()
    url = film_factory(title="Ran", slug="ran").get_absolute_url()
    rendered = [through(url) for _ in range(2)][-1][1]

    def django(environ, start_response):
        raise AssertionError("the page was not served from the cache")

    monkeypatch.setattr(application, "application", django)
    status, served = through(url, X_REQUEST_ID=NGINX_ID)
    _, served_again = through(url)

    assert status == "200 OK"
    assert served["X-Request-ID"] == NGINX_ID  # not the id of the request that rendered it
    assert HEX_ID.match(served_again["X-Request-ID"])
    assert len({rendered["X-Request-ID"], served_again["X-Request-ID"], NGINX_ID}) == 3


def test_django_answers_the_id_the_front_took(client, db):
    status, headers = through("/healthz", X_REQUEST_ID=NGINX_ID)

    assert status == "200 OK"
    assert headers["X-Request-ID"] == NGINX_ID
    assert list(headers).count("X-Request-ID") == 1


# --- The log format -----------------------------------------------------------------------

LOG_A_LINE = (
    "import django, logging; django.setup(); "
    f"from django_guid import set_guid; set_guid('{NGINX_ID}'); "
    "logging.getLogger('filmsite').error('the database is %s', 'down')"
)
SETTINGS = {"DJANGO_SETTINGS_MODULE": "filmsite.settings"}


def test_production_logs_one_json_object_a_line_with_the_request_id():
    result = run_python(production_env(**SETTINGS), "-c", LOG_A_LINE)

    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "the database is down"
    assert line["level"] == "ERROR"
    assert line["logger"] == "filmsite"
    assert line["request_id"] == NGINX_ID
    assert "time" in line


def test_development_logs_readable_lines_and_log_format_says_otherwise():
    text = run_python(clean_env(**SETTINGS), "-c", LOG_A_LINE)
    as_json = run_python(clean_env(**SETTINGS, LOG_FORMAT="json"), "-c", LOG_A_LINE)

    assert re.search(rf"ERROR filmsite \[{NGINX_ID}\] the database is down$", text.stderr.strip())
    assert json.loads(as_json.stderr.strip())["request_id"] == NGINX_ID


# --- Error reporting ----------------------------------------------------------------------


def test_nothing_is_reported_without_a_dsn():
    import sentry_sdk

    assert not sentry_sdk.get_client().is_active()
    assert "sentry_sdk" not in run_python(clean_env(**SETTINGS), "-c", REPORT_AN_ERROR).stdout


# A server error in a process started with a DSN, its events kept by a transport that sends
# nothing: what the settings set up, and what Sentry would have been told.
REPORT_AN_ERROR = f"""
import json, django, sentry_sdk
from sentry_sdk.transport import Transport
django.setup()
client = sentry_sdk.get_client()
if not client.is_active():
    raise SystemExit(0)
events = []

class Kept(Transport):
    def capture_envelope(self, envelope):
        events.extend(item.payload.json for item in envelope.items if item.type == "event")

client.transport = Kept(client.options)
import pages.views.health as health

def broken(request):
    raise ZeroDivisionError("a bug")

health.health = broken
from wsgiref.util import setup_testing_defaults
from filmsite.wsgi import application
environ = {{
    "PATH_INFO": "/healthz",
    "HTTP_HOST": "localhost",
    "HTTP_X_REQUEST_ID": "{NGINX_ID}",
    "HTTP_COOKIE": "filmsite_visitor=secret",
    "REMOTE_ADDR": "203.0.113.9",
}}
setup_testing_defaults(environ)
b"".join(application(environ, lambda status, headers, exc_info=None: None))
names = ("environment", "traces_sample_rate", "send_default_pii")
options = {{name: client.options[name] for name in names}}
print(json.dumps({{"sentry_sdk": options, "events": events}}))
"""

DSN = "http://public@127.0.0.1:9/1"  # a local port nothing listens on: nothing leaves


def test_a_dsn_reports_server_errors_with_the_request_id_and_nothing_personal():
    result = run_python(clean_env(**SETTINGS, SENTRY_DSN=DSN), "-c", REPORT_AN_ERROR)

    assert result.returncode == 0, result.stderr
    reported = json.loads(result.stdout.strip().splitlines()[-1])
    assert reported["sentry_sdk"] == {
        "environment": "development",
        "traces_sample_rate": 0.0,
        "send_default_pii": False,
    }
    (event,) = reported["events"]
    assert event["exception"]["values"][-1]["type"] == "ZeroDivisionError"
    assert event["tags"]["request_id"] == NGINX_ID
    assert event["request"]["url"] == "http://localhost/healthz"
    assert "secret" not in json.dumps(event)  # no cookie (the visitor's)
    assert "203.0.113.9" not in json.dumps(event)  # no address


def test_the_environment_and_the_traces_sample_rate_come_from_the_environment():
    env = {
        **production_env(**SETTINGS, SENTRY_DSN=DSN),
        "SENTRY_ENVIRONMENT": "staging",
        "SENTRY_TRACES_SAMPLE_RATE": "0.05",
    }
    result = run_python(env, "-c", REPORT_AN_ERROR)

    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout.strip().splitlines()[-1])["sentry_sdk"]
    assert options["environment"] == "staging"
    assert options["traces_sample_rate"] == 0.05


@pytest.mark.parametrize("rate", ["2", "-0.1", "a few"])
def test_a_traces_sample_rate_that_is_no_share_stops_the_process(rate):
    result = run_python(
        clean_env(**SETTINGS, SENTRY_DSN=DSN, SENTRY_TRACES_SAMPLE_RATE=rate),
        "-c",
        "import django; django.setup()",
    )

    assert result.returncode != 0
    assert "SENTRY_TRACES_SAMPLE_RATE" in result.stderr
