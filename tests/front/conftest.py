"""The documented front (deploy/): gunicorn with deploy/gunicorn.conf.py, 2 workers of 4
threads as in production, behind Debian's nginx with deploy/nginx/filmsite.conf, started
once a module (bench/front.py). The pages these tests ask for need no table: the database
is an empty SQLite file."""

import contextlib
import http.client
import os
import signal
import socket
import time
from urllib.parse import urlparse

import pytest

from bench.front import nginx_path, serve
from bench.sampling import descendants
from tests.browser.tools import missing


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    if nginx_path() is None:
        missing("nginx", "apt-get install nginx, or run .ci/run")
    directory = tmp_path_factory.mktemp("front")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
        "DEBUG": "0",
        "STATIC_MANIFEST": "0",
        "REDIS_URL": "",
    }
    with serve(env=env, directory=directory) as running:
        # Each worker's first page loads the templates: not what the tests time.
        for _ in range(4):
            get(running.url, "/no-such-page/", timeout=30)
        yield running


def address(url: str) -> tuple[str, int]:
    parts = urlparse(url)
    return parts.hostname, parts.port


def get(url: str, path: str, *, source: str = "127.0.0.1", timeout: float = 5, **kwargs):
    """(status, headers, body, seconds) of one request on a new connection from `source`, an
    address of the loopback (127.0.0.0/8), to stand for another client."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(
        *address(url), timeout=timeout, source_address=(source, 0)
    )
    try:
        connection.request(kwargs.pop("method", "GET"), path, **kwargs)
        response = connection.getresponse()
        body = response.read().decode()
    finally:
        connection.close()
    return response.status, response.headers, body, time.monotonic() - started


def connect(url: str, *, source: str = "127.0.0.1") -> socket.socket:
    sock = socket.create_connection(address(url), timeout=5, source_address=(source, 0))
    return sock


def send_and_hold(url: str, path: str, *, source: str) -> socket.socket:
    """A request sent whose answer is not read: it stays in flight."""
    sock = connect(url, source=source)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return sock


@contextlib.contextmanager
def workers_stopped(front):
    """gunicorn's workers paused (SIGSTOP): every request that reaches them waits."""
    workers = descendants(front.gunicorn_pid)
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in workers:
            os.kill(pid, signal.SIGCONT)
