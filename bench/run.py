"""make bench: the site at scale, measured in one command.

1. Generate the synthetic catalog (bench/synthetic.py) unless it is there already.
2. Import it into the benchmark's own PostgreSQL database and build the similar films,
   timing both, unless that database holds that catalog already (it is reused between
   runs; `--reimport` forces both steps).
3. Serve the site with gunicorn and the production settings, load each kind of page
   (bench/pages.py) with wrk from a separate process, and read the workers' memory.
4. Print one table and write the figures to bench-results/latest.json.

The database must be PostgreSQL and a dedicated one: the benchmark empties it before
importing, and refuses to touch a database holding films that are not synthetic or any
user account. The benchmark asks its questions to the database in subprocesses
(bench/probe.py), as it runs every step: it never connects to a database itself.
"""

import argparse
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from bench import ROOT, BenchError
from bench.report import check_targets, machine, print_table
from bench.sampling import descendants, measure, rss_kb

RESULTS = ROOT / "bench-results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/filmsite_bench"
# The shared cache, as in production; a database of its own, emptied before the pages run.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
LUA = Path(__file__).resolve().parent / "wrk.lua"
# Of the paths of a kind asked for once each, one in ten warms the workers up instead.
ONCE_WARM_UP_SHARE = 10
ALL_ANSWERED = "BENCH-ALL-ANSWERED"  # what wrk.lua prints when each path is answered
# Connections open per gunicorn worker. A sync worker answers one request at a time: one
# connection each keeps every worker busy, the most requests a second the server gives, and
# a latency is then a page's own time under that load. Each connection more only waits in
# the socket's queue for a request before it: no more requests a second (4 connections on 2
# workers, measured in turn: the same within the runs' spread for every kind), and every
# latency a whole request longer (docs/performance.md).
LOAD_PER_WORKER = 1


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        results = run(args)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    print_table(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nFigures written to {args.output}")
    return 0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--films", type=int, default=20_000, help="Catalog size (20,000).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL,
        help="A dedicated PostgreSQL database (BENCH_DATABASE_URL; filmsite_bench).",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help="A dedicated Redis database, emptied first (BENCH_REDIS_URL; db 14); "
        "'' for each worker's local memory.",
    )
    parser.add_argument("--duration", type=int, default=10, help="Seconds per page kind (10).")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2).")
    parser.add_argument(
        "--connections",
        type=int,
        help="Open connections (one per worker; more only wait for a worker).",
    )
    parser.add_argument("--reimport", action="store_true", help="Import and build again.")
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="Catalogs, state and figures (bench-results/).",
    )
    parser.add_argument("--output", type=Path, help="The figures (RESULTS/latest.json).")
    parser.add_argument("--kinds", help="Only these page kinds, comma-separated.")
    args = parser.parse_args(argv)
    if args.connections is None:
        args.connections = args.workers * LOAD_PER_WORKER
    args.output = args.output or args.results / "latest.json"
    return args


def run(args) -> dict:
    database_url = args.database_url
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise BenchError("the benchmark needs a PostgreSQL database (--database-url)")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "filmsite.settings",
        "PYTHONPATH": str(ROOT),
    }
    results = {
        "machine": machine(),
        "films": args.films,
        "seed": args.seed,
        "database": _without_password(database_url),
        "cache": _without_password(args.redis_url) if args.redis_url else "local memory",
        "workers": args.workers,
        "connections": args.connections,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "load_average_before": os.getloadavg(),
    }
    args.results.mkdir(parents=True, exist_ok=True)
    catalog = args.results / f"catalog-{args.films}-seed{args.seed}.jsonl.gz"
    if not catalog.exists():
        print(f"Generating {catalog.name}...", flush=True)
        results["generate"] = measure(
            [
                sys.executable,
                "-m",
                "bench.generate_catalog",
                str(catalog),
                "--films",
                str(args.films),
                "--seed",
                str(args.seed),
            ],
            env,
        )
    digest = _sha256(catalog)

    ensure_database(database_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )
    state_file = args.results / f"state-{urlparse(database_url).path.lstrip('/')}.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    database = probe(env, "state")
    if args.reimport or not holds_catalog(state, database, digest, args.films):
        refuse_unless_disposable(database)
        print("Emptying the benchmark database and importing the catalog...", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "flush", "--noinput"], env=env, cwd=ROOT, check=True
        )
        state = {"catalog": catalog.name, "sha256": digest, "films": args.films}
        state["import"] = measure(
            [sys.executable, "manage.py", "import_catalog", str(catalog)],
            env,
            database=database_url,
        )
        print("Building the similar films...", flush=True)
        state["build"] = measure(
            [sys.executable, "manage.py", "build_recommendations"], env, database=database_url
        )
        state["measured"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        state_file.write_text(json.dumps(state, indent=2) + "\n")
    else:
        print(
            f"The database holds {catalog.name} already: import and build figures are "
            f"those measured on {state['measured']}.",
            flush=True,
        )
    results["import"], results["build"] = state["import"], state["build"]
    results["catalog_measured"] = state["measured"]

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    results["database_read"] = probe(env, "read")
    if "error" in results["database_read"]:
        print(f"The database could not be read ahead: {results['database_read']['error']}")
    results["pages"], results["worker_rss_mb"] = load_pages(args, env)
    results["load_average_after"] = os.getloadavg()
    results["targets"] = check_targets(results)
    return results


# --- The database -----------------------------------------------------------------------


def ensure_database(database_url: str) -> None:
    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"Creating the database {name}...", flush=True)
            conn.execute(f'CREATE DATABASE "{name}"')


def probe(env: dict, *args: str) -> dict:
    command = [sys.executable, "-m", "bench.probe", *args]
    output = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(output.stdout)


def refuse_unless_disposable(database: dict) -> None:
    """The benchmark empties its database: never one holding anybody's data."""
    if database["real_films"]:
        raise BenchError(
            f"the database holds {database['real_films']:,} films that are not synthetic "
            f"(e.g. {database['real_example']}); give the benchmark a database of its own "
            "(BENCH_DATABASE_URL)"
        )
    if database["users"]:
        raise BenchError("the database has user accounts; give the benchmark a database of its own")


def holds_catalog(state: dict, database: dict, digest: str, films: int) -> bool:
    return (
        state.get("sha256") == digest
        and "build" in state
        and database["films"] == database["built"] == films
        and not database["real_films"]
    )


# --- Measuring a command ----------------------------------------------------------------


def load_pages(args, env: dict) -> tuple[dict, dict]:
    from bench.pages import FLOOR, KINDS

    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed (Debian: apt-get install -y wrk)")
    wanted = set(args.kinds.split(",")) | {FLOOR} if args.kinds else None
    port = _free_port()
    server_env = {
        **env,
        "FILMSITE_PRODUCTION": "1",
        "SECRET_KEY": env.get("SECRET_KEY") or "bench-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        # wrk speaks plain HTTP: production mode would redirect every page to https.
        "SECURE_SSL_REDIRECT": "0",
        "DEBUG": "",
        "REDIS_URL": args.redis_url,
    }
    if args.redis_url:
        _empty_redis(args.redis_url)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "filmsite.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=server_env,
        cwd=ROOT,
    )
    pages, rss = {}, {}
    try:
        with tempfile.TemporaryDirectory() as scratch:
            # With the server's SECRET_KEY: it signs the cookie of a kind with a visitor.
            probe_env = {**env, "SECRET_KEY": server_env["SECRET_KEY"]}
            counts = probe(probe_env, "paths", str(args.seed), scratch)
            _wait_until_up(port)
            for kind in KINDS:
                if wanted and kind.name not in wanted:
                    continue
                listing = Path(scratch) / f"{kind.name}.txt"
                paths = listing.read_text().split() if counts.get(kind.name) else []
                # The last path: of a kind asked for once, it is one of the warm-up's.
                status = _status(port, paths[-1]) if paths else None
                if status != 200:
                    why = f"HTTP {status}" if paths else "no such page"
                    print(f"  {kind.name}: not measured ({why})")
                    pages[kind.name] = {"what": kind.what, "missing": True}
                    continue
                warm_up = listing
                if kind.once and len(paths) > 1:
                    # The warm-up's paths are not measured: they would come from the cache.
                    cut = len(paths) - max(1, len(paths) // ONCE_WARM_UP_SHARE)
                    paths, warm_up_paths = paths[:cut], paths[cut:]
                    warm_up = Path(scratch) / f"{kind.name}-warm-up.txt"
                    warm_up.write_text("\n".join(warm_up_paths) + "\n")
                    listing.write_text("\n".join(paths) + "\n")
                cookie_file = Path(scratch) / f"{kind.name}.cookie"
                cookie = cookie_file.read_text() if cookie_file.exists() else ""
                how = "each once, in at most" if kind.once else "for"
                print(f"  {kind.name}: {len(paths):,} URLs {how} {args.duration:g} s", flush=True)
                if kind.warm:
                    for path in paths:
                        _status(port, path)
                _wrk(wrk, port, warm_up, args.connections, min(2.0, args.duration), cookie=cookie)
                figures = _wrk(
                    wrk,
                    port,
                    listing,
                    args.connections,
                    args.duration,
                    once=kind.once,
                    cookie=cookie,
                )
                pages[kind.name] = {"what": kind.what, "urls": len(paths), **figures}
                for pid in descendants(server.pid):
                    rss[str(pid)] = max(rss.get(str(pid), 0), round(rss_kb(pid) / 1024))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    floor = pages.get(FLOOR, {}).get("rps")
    for kind in KINDS:
        page = pages.get(kind.name)
        if page and not page.get("missing") and floor:
            page["ratio"] = round(page["rps"] / floor, 3)
    return pages, {"workers": rss, "max": max(rss.values(), default=0)}


def _wrk(
    wrk: str, port: int, listing: Path, connections: int, duration: float, once=False, cookie=""
) -> dict:
    """wrk's figures for the paths of the listing, asked in turn for `duration` seconds,
    or, `once`, until each has been answered once if that comes first: wrk.lua then says
    so, and wrk, interrupted, reports the time until then. `cookie`: the Cookie header of
    every request (a visitor's page)."""
    duration = max(1, round(duration))  # wrk takes whole seconds
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{duration:g}s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}",
        "--",
        str(listing),
    ]
    env = {
        **os.environ,
        **({"BENCH_ONCE": ALL_ANSWERED} if once else {}),
        **({"BENCH_COOKIE": cookie} if cookie else {}),
    }
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    output = []
    for printed in process.stdout:
        if printed.strip() == ALL_ANSWERED:
            process.send_signal(signal.SIGINT)
        output.append(printed)
    if process.wait():
        raise BenchError(f"wrk failed (exit status {process.returncode}):\n{''.join(output)}")
    line = next((x for x in output if x.startswith("BENCH ")), None)
    if line is None:
        raise BenchError(f"wrk gave no figures:\n{''.join(output)}")
    raw = json.loads(line[len("BENCH ") :])
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 1),
        # As sent: compressed where the page is (wrk.lua asks as browsers do).
        "kb_per_response": round(raw["bytes"] / max(1, raw["requests"]) / 1024, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": sum(raw["errors"].values()),
        "error_kinds": {k: v for k, v in raw["errors"].items() if v},
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _status(port, "/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError("gunicorn did not answer on /healthz within 60 s")


# --- Results ----------------------------------------------------------------------------


def _empty_redis(url: str) -> None:
    """Every page kind starts from what its own requests stored, not a previous run's."""
    import redis

    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as error:
        message = f"Redis at {url} cannot be used ({error}); --redis-url '' goes without"
        raise BenchError(message) from error


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _without_password(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        parsed = parsed._replace(netloc=parsed.netloc.replace(f":{parsed.password}@", ":***@"))
    return parsed.geturl()
