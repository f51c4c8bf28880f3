"""The documented front, started from the files in deploy/: gunicorn behind Debian's nginx
(docs/operations.md, "The front: nginx before gunicorn"), for tests/front/ and for the soak.

    python -m bench.front --port 8080            # nginx on 8080, gunicorn behind it
    python -m bench.front --port 8080 --no-nginx # gunicorn alone on 8080 (the "before")

Serves with the environment it is given (DATABASE_URL, the production settings...) until
Ctrl+C. nginx runs from a temporary directory with a top-level configuration of its own that
includes deploy/nginx/filmsite.conf, its host-specific lines pointed at that directory
and at free ports.
"""

import argparse
import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import ROOT, BenchError

DEPLOY = ROOT / "deploy"
SERVER_BLOCK = DEPLOY / "nginx" / "filmsite.conf"
ERROR_PAGES = DEPLOY / "nginx" / "errors"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).parent / "gunicorn"


def nginx_path() -> str | None:
    """Debian's nginx (apt-get install nginx), which is in /usr/sbin, off some users' PATH."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_block(*, port: int, gunicorn_port: int, directory: Path) -> str:
    """deploy/nginx/filmsite.conf with its host-specific lines made local."""
    text = SERVER_BLOCK.read_text()
    for production, local in (
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{gunicorn_port};"),
        ("/run/nginx-filmsite-gate.sock", str(directory / "gate.sock")),
        ("/srv/filmsite/deploy/nginx/errors", str(ERROR_PAGES)),
        ("/var/cache/nginx/filmsite", str(directory / "cache")),
    ):
        if production not in text:
            raise BenchError(f"{SERVER_BLOCK} no longer says {production!r}: update bench/front.py")
        text = text.replace(production, local)
    return text


def nginx_conf(directory: Path) -> str:
    """A top-level configuration around the server block, everything nginx writes in
    `directory`, in the foreground."""
    # Started as root (CI), nginx would run its workers as nobody, who cannot read a
    # temporary directory: they run as the user who started it.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp_paths = "".join(
        f"    {kind}_temp_path {directory / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\n"
        "worker_processes 1;\n"
        f"pid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        f"    access_log {directory / 'access.log'};\n"
        f"{temp_paths}"
        f"    include {directory / 'filmsite.conf'};\n"
        "}\n"
    )


@dataclass
class Front:
    url: str  # where clients connect: nginx, or gunicorn alone
    gunicorn_url: str
    gunicorn_pid: int
    directory: Path


def wait_for_health(port: int, *, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{process.args[0]} stopped with status {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise BenchError(f"nothing answered /healthz on port {port} within {seconds:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # both stop gracefully on it
        try:
            process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serve(
    *,
    env: dict | None = None,
    workers: int = 2,
    nginx: bool = True,
    port: int | None = None,
    gunicorn_port: int | None = None,
    directory: Path | None = None,
    log=subprocess.DEVNULL,
) -> Iterator[Front]:
    """gunicorn with deploy/gunicorn.conf.py, behind nginx with deploy/nginx/filmsite.conf
    unless `nginx` is false; stopped on leaving."""
    with contextlib.ExitStack() as stack:
        if directory is None:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="front-")))
        port = port or free_port()
        gunicorn_port = (gunicorn_port or free_port()) if nginx else port
        gunicorn = subprocess.Popen(
            [GUNICORN, "-c", GUNICORN_CONF, "--bind", f"127.0.0.1:{gunicorn_port}",
             "--workers", str(workers), "filmsite.wsgi"],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        stack.callback(stop, gunicorn)
        wait_for_health(gunicorn_port, process=gunicorn)
        if nginx:
            executable = nginx_path()
            if executable is None:
                raise BenchError("nginx is not installed (apt-get install nginx)")
            (directory / "filmsite.conf").write_text(
                server_block(port=port, gunicorn_port=gunicorn_port, directory=directory)
            )
            (directory / "nginx.conf").write_text(nginx_conf(directory))
            front = subprocess.Popen(
                [executable, "-p", directory, "-c", directory / "nginx.conf",
                 "-e", directory / "error.log"],
                stdout=log, stderr=log,
            )  # fmt: skip
            stack.callback(stop, front)
            wait_for_health(port, process=front, seconds=10)
        yield Front(
            url=f"http://127.0.0.1:{port}",
            gunicorn_url=f"http://127.0.0.1:{gunicorn_port}",
            gunicorn_pid=gunicorn.pid,
            directory=directory,
        )


def main(argv=None) -> int:
    description = __doc__.split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench.front", description=description)
    parser.add_argument("--port", type=int, default=8080, help="Where clients connect (8080).")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2).")
    parser.add_argument("--no-nginx", action="store_true", help="gunicorn alone on --port.")
    args = parser.parse_args(argv)
    # A TERM stops the servers as Ctrl+C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with serve(
            workers=args.workers, nginx=not args.no_nginx, port=args.port, log=None
        ) as front:
            print(f"Serving on {front.url} (gunicorn on {front.gunicorn_url}); Ctrl+C stops")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    except BenchError as error:
        print(f"bench.front: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
