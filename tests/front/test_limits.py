"""What nginx turns away, each with a small page of the site's and, where waiting helps,
Retry-After; and the malformed requests that reach the site get its 400 page, never a 500
(issue 22, finding 5 and "every malformed request gets a 400 page")."""

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from tests.front.conftest import get, send_and_hold, workers_stopped

# deploy/nginx/filmsite.conf
PER_ADDRESS_CONNECTIONS = 6
BURST = 40
IN_FLIGHT = 6
CSRF_COOKIE = "csrftoken=" + "a" * 32


def test_a_huge_header_gets_the_400_page(front):
    status, _, body, _ = get(front.url, "/", headers={"X-Huge": "a" * 9000})
    assert status == 400
    assert "<h1>Bad request</h1>" in body


def test_a_huge_cookie_among_many_gets_the_400_page(front):
    cookies = "; ".join(f"c{i}={'x' * 4000}" for i in range(10))
    status, _, body, _ = get(front.url, "/", headers={"Cookie": cookies})
    assert status == 400
    assert "<h1>Bad request</h1>" in body


def test_a_huge_address_gets_the_414_page(front):
    status, _, body, _ = get(front.url, "/browse/?theme=" + ",".join(["a-theme"] * 1200))
    assert status == 414
    assert "<h1>Address too long</h1>" in body


def test_a_body_over_1_mb_gets_the_413_page(front):
    status, _, body, _ = get(
        front.url,
        "/",
        method="POST",
        body=b"x=" + b"a" * (1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 413
    assert "<h1>Too large</h1>" in body


def test_a_form_with_too_many_fields_gets_the_sites_400_page(front):
    # Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000): a small body nginx lets through. With
    # a CSRF cookie, so that the form is read.
    form = urlencode([(f"f{i}", "1") for i in range(1001)])
    status, headers, body, _ = get(
        front.url,
        "/",
        method="POST",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": CSRF_COOKIE},
    )
    assert status == 400
    assert "<h1>Bad request</h1>" in body
    assert "nginx's own" not in body  # the site's page, not the front's
    assert headers["Content-Language"] == "en"


def test_a_form_in_another_charset_gets_the_sites_400_page(front):
    status, _, body, _ = get(
        front.url,
        "/",
        method="POST",
        body="name=Am\xe9lie".encode("latin-1"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=latin-1",
            "Cookie": CSRF_COOKIE,
        },
    )
    assert status == 400
    assert "<h1>Bad request</h1>" in body
    assert "nginx's own" not in body


def test_too_many_requests_from_one_address_get_429_with_retry_after(front):
    # Twice the burst, 5 at a time (under the limit of connections): faster than the rate
    # gives back, even on a busy machine.
    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(
            pool.map(
                lambda _: get(front.url, "/no-such-page/", source="127.0.0.4"), range(2 * BURST)
            )
        )
    statuses = [status for status, *_ in answers]
    assert statuses.count(404) >= BURST
    assert 429 in statuses
    status, headers, body, _ = answers[statuses.index(429)]
    assert headers["Retry-After"] == "1"
    assert "<h1>Please wait a little</h1>" in body
    # Another address is not held back; the liveness check never is.
    assert get(front.url, "/no-such-page/", source="127.0.0.5")[0] == 404
    assert get(front.url, "/healthz", source="127.0.0.4")[0] == 200


def test_too_many_connections_from_one_address_get_429_with_retry_after(front):
    with workers_stopped(front):
        held = [
            send_and_hold(front.url, "/no-such-page/", source="127.0.0.6")
            for _ in range(PER_ADDRESS_CONNECTIONS)
        ]
        try:
            status, headers, body, seconds = get(front.url, "/no-such-page/", source="127.0.0.6")
        finally:
            for sock in held:
                sock.close()
    assert status == 429
    assert headers["Retry-After"] == "1"
    assert seconds < 1


def test_more_requests_in_flight_than_the_bound_get_503_with_retry_after(front):
    # From two addresses, each under its own limit of connections.
    sources = ["127.0.0.7", "127.0.0.8"]
    with workers_stopped(front):
        held = [
            send_and_hold(front.url, "/no-such-page/", source=sources[i % 2])
            for i in range(IN_FLIGHT)
        ]
        try:
            status, headers, body, seconds = get(front.url, "/no-such-page/", source="127.0.0.9")
        finally:
            for sock in held:
                sock.close()
    assert status == 503
    assert headers["Retry-After"] == "1"
    assert "<h1>Busy just now</h1>" in body
    assert seconds < 1


def test_the_metrics_are_not_served_through_the_front(front):
    assert get(front.url, "/metrics")[0] == 404
