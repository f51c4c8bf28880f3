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


# --- Metrics for Prometheus -------------------------------------------------------------


@pytest.fixture
def metrics_on(settings):
    """As METRICS_ALLOWED_FROM=127.0.0.1,10.0.0.0/8 sets it up (but the database's wrapper,
    which a process takes at start: test_the_database_time_is_counted)."""
    settings.METRICS_ALLOWED_FROM = ["127.0.0.1", "10.0.0.0/8"]
    settings.MIDDLEWARE = ["filmsite.metrics.RequestMetricsMiddleware", *settings.MIDDLEWARE]


def sample(name: str, **labels: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_are_no_page_unless_configured(client, db):
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


@pytest.mark.parametrize(
    "address, headers, status",
    [
        ("127.0.0.1", {}, 200),
        ("10.20.30.40", {}, 200),
        ("192.0.2.7", {}, 404),  # not an allowed address
        ("127.0.0.1", {"X-Forwarded-For": "192.0.2.7"}, 404),  # through a proxy in front
    ],
)
def test_metrics_answer_only_the_allowed_addresses(
    client, db, metrics_on, address, headers, status
):
    response = client.get("/metrics", REMOTE_ADDR=address, headers=headers)

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"].startswith("text/plain")
        assert b"filmsite_django_request_duration_seconds" in response.content


def test_requests_django_answers_are_counted_with_their_view_and_time(
    client, film_factory, metrics_on
):
    url = film_factory(title="Ran", slug="ran").get_absolute_url()
    labels = {"view": "films:detail", "method": "GET", "status": "200"}
    name = "filmsite_django_request_duration_seconds"
    before = sample(f"{name}_count", **labels), sample(f"{name}_sum", **labels)

    client.get(url)
    client.get("/not-a-page/")

    assert sample(f"{name}_count", **labels) == before[0] + 1
    assert sample(f"{name}_sum", **labels) > before[1]
    assert sample(f"{name}_count", view="<unresolved>", method="GET", status="404") >= 1


def test_pages_served_before_django_are_counted_apart(
    settings, redis_cache, film_factory, metrics_on, monkeypatch
):
    settings.WHOLE_PAGE_CACHE = True
    stored_pages.forget_pages_met()
    url = film_factory(title="Ran", slug="ran").get_absolute_url()
    [through(url) for _ in range(2)]
    django_before = sample(
        "filmsite_django_request_duration_seconds_count",
        view="films:detail",
        method="GET",
        status="200",
    )
    front_before = sample("filmsite_front_page_duration_seconds_count", status="200")

    through(url)

    assert sample("filmsite_front_page_duration_seconds_count", status="200") == front_before + 1
    assert (
        sample(
            "filmsite_django_request_duration_seconds_count",
            view="films:detail",
            method="GET",
            status="200",
        )
        == django_before
    )


def test_the_redis_caches_hits_and_misses_are_counted(settings, redis_cache):
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "BACKEND": "caching.metrics.MeasuredRedisCache"},
    }
    cache = caches.create_connection("default")
    hits, misses = (
        sample("django_cache_get_hits_total", backend="redis"),
        sample("django_cache_get_misses_total", backend="redis"),
    )
    cache.set("kept", None)  # None is a value: a hit

    assert cache.get("kept", "default") is None
    assert cache.get("not kept", "default") == "default"
    assert cache.get_many(["kept", "not kept", "nor this"]) == {"kept": None}
    assert sample("django_cache_get_hits_total", backend="redis") == hits + 2
    assert sample("django_cache_get_misses_total", backend="redis") == misses + 3


COUNT_A_QUERY = """
import django, json
django.setup()
from django.conf import settings
from django.db import connection
from prometheus_client import REGISTRY
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
labels = {"alias": "default", "vendor": connection.vendor}
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "queries": REGISTRY.get_sample_value("django_db_execute_total", labels),
    "seconds": REGISTRY.get_sample_value("django_db_query_duration_seconds_count", labels),
}))
"""


def test_the_database_time_is_counted(tmp_path):
    env = clean_env(
        **SETTINGS, METRICS_ALLOWED_FROM="127.0.0.1", DATABASE_URL=f"sqlite:///{tmp_path}/db"
    )
    result = run_python(env, "-c", COUNT_A_QUERY)

    assert result.returncode == 0, result.stderr
    counted = json.loads(result.stdout)
    assert counted["engine"] == "django_prometheus.db.backends.sqlite3"
    assert counted["queries"] >= 1 and counted["seconds"] >= 1


def test_postgresql_is_wrapped_too():
    from tests.test_settings import settings_under

    env = clean_env(
        METRICS_ALLOWED_FROM="127.0.0.1", DATABASE_URL="postgres://u@db.example.org:5432/films"
    )
    engine = settings_under(env, "DATABASES")["DATABASES"]["default"]["ENGINE"]
    assert engine == "django_prometheus.db.backends.postgresql"


# One gunicorn worker's request, then what /metrics answers from another process.
A_WORKERS_REQUEST = """
import django
django.setup()
from django.test import Client
assert Client().get("/healthz", headers={"Host": "localhost"}).status_code == 200
"""
METRICS_PAGE = """
import django
django.setup()
from django.test import Client
page = Client().get("/metrics", headers={"Host": "localhost"}, REMOTE_ADDR="127.0.0.1")
print(page.content.decode())
"""


def test_metrics_add_up_every_workers_with_a_multiprocess_directory(tmp_path):
    env = clean_env(
        **SETTINGS, METRICS_ALLOWED_FROM="127.0.0.1", PROMETHEUS_MULTIPROC_DIR=str(tmp_path)
    )
    for _ in range(2):  # two processes, as two workers
        assert run_python(env, "-c", A_WORKERS_REQUEST).returncode == 0
    page = run_python(env, "-c", METRICS_PAGE)

    assert page.returncode == 0, page.stderr
    assert re.search(
        r'^filmsite_django_request_duration_seconds_count\{method="GET",status="200",'
        r'view="films:health"\} 2\.0$',
        page.stdout,
        re.MULTILINE,
    ), page.stdout


@pytest.mark.parametrize("value", ["everyone", "10.0.0.0/33", "127.0.0.1,::1,localhost"])
def test_metrics_allowed_from_something_else_than_addresses_stops_the_process(value):
    result = run_python(
        clean_env(**SETTINGS, METRICS_ALLOWED_FROM=value), "-c", "import django; django.setup()"
    )

    assert result.returncode != 0
    assert "METRICS_ALLOWED_FROM" in result.stderr
