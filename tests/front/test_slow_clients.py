"""Slow and idle clients wait on nginx, never on a gunicorn worker (issue 22, finding 5):
against gunicorn alone, two idle connections held both sync workers until gunicorn's timeout
(/healthz answered after 32 s), and a body shorter than its Content-Length held a worker 30 s
before a 500."""

import time

from tests.front.conftest import connect, get

# More than gunicorn's 2 workers of 4 connections each (deploy/gunicorn.conf.py): enough to
# hold all of them if they reached gunicorn. Each from an address of its own, as many clients.
CLIENTS = 10
SOURCES = [f"127.0.1.{n}" for n in range(1, CLIENTS + 1)]


def test_idle_connections_do_not_delay_the_pages(front):
    idle = [connect(front.url, source=source) for source in SOURCES]
    try:
        time.sleep(0.5)  # time for gunicorn's workers to take them, if they could
        for path in ("/healthz", "/no-such-page/"):
            status, _, _, seconds = get(front.url, path)
            assert status in (200, 404)
            assert seconds < 1
    finally:
        for sock in idle:
            sock.close()


def test_truncated_bodies_and_slow_headers_hold_no_worker_and_are_dropped_after_10_s(front):
    slow = []
    for source in SOURCES:
        sock = connect(front.url, source=source)
        sock.sendall(
            b"POST /no-such-page/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 1000\r\n\r\nname=a+truncated+body"
        )
        slow.append(sock)
    sock = connect(front.url)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
    slow.append(sock)
    started = time.monotonic()
    try:
        time.sleep(0.5)
        # Through the gate to gunicorn, as every page goes: a worker answers at once.
        status, _, _, seconds = get(front.url, "/no-such-page/")
        assert (status, seconds < 1) == (404, True)
        status, _, _, seconds = get(front.url, "/healthz")
        assert (status, seconds < 1) == (200, True)

        # nginx's client_body_timeout and client_header_timeout: each connection is closed
        # with no answer (a 408 in nginx's log; gunicorn never saw the requests, so no 500).
        for sock in slow:
            sock.settimeout(20)
            try:
                received = sock.recv(65536)
            except ConnectionResetError:
                received = b""
            assert received == b""
        assert 9 < time.monotonic() - started < 15
    finally:
        for sock in slow:
            sock.close()
