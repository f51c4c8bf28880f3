"""A soak of the site as a front serves it, with hostile requests and slow clients mixed in
(issue 22, finding 5; docs/operations.md, "The front: nginx before gunicorn"):

    python -m bench.soak --url http://127.0.0.1:8080

For --duration seconds (60): --connections (64) keep-alive clients ask for pages in a loop,
a share of them (--hostile, 0.3) hostile: join bombs on /browse/, sitemap variants, forms in
other charsets or with too many fields, unknown addresses; beside them idle connections,
truncated bodies and headers sent a line at a time (--slow, 8 of each); and a prober, in a
process of its own, asks for /healthz on a new connection every 20 ms. It prints the answers
by status, the 5xx, the requests turned away (429 and 503), the slow clients' fate and
/healthz's p50 and p99.

The clients connect from addresses of the loopback (127.0.0.0/8), --addresses of them
(1: one machine, as an attacker; 64: a visitor a connection), so that the front's limits per
address act as they would: the front must be on this machine. A client that is turned away
waits as its Retry-After says, as a well-behaved crawler does (--ignore-retry-after: not).
It is no test: it measures, on whatever runs it.
"""

import argparse
import collections
import http.client
import json
import multiprocessing
import random
import re
import socket
import statistics
import sys
import threading
import time
from urllib.parse import urlencode, urlparse

from bench import BenchError

# The pages a visitor asks for, and what the probes of issue 22 found hostile.
HOSTILE_KINDS = (
    "join bomb",
    "genre bomb",
    "sitemap variant",
    "bad charset",
    "too many fields",
    "wrong address",
)
PROBE_EVERY = 0.02  # seconds between two /healthz probes
TIMEOUT = 60  # seconds a client waits for an answer before counting it as none


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        results = soak(args)
    except BenchError as error:
        print(f"bench.soak: {error}", file=sys.stderr)
        return 1
    print_results(results)
    if args.json:
        args.json.write(json.dumps(results, indent=2) + "\n")
    return 0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--url", required=True, help="The front (or gunicorn alone), on this machine."
    )
    parser.add_argument("--duration", type=float, default=60, help="Seconds (60).")
    parser.add_argument("--connections", type=int, default=64, help="Page clients (64).")
    parser.add_argument("--addresses", type=int, default=1, help="Their source addresses (1).")
    parser.add_argument(
        "--hostile", type=float, default=0.3, help="Share of hostile requests (0.3)."
    )
    parser.add_argument("--slow", type=int, default=8, help="Slow clients of each kind (8).")
    parser.add_argument("--ignore-retry-after", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=argparse.FileType("w"), help="Also write the figures here.")
    return parser.parse_args(argv)


def loopback(n: int, block: int) -> str:
    """The n-th address of a block of 127.0.0.0/8, one block for each kind of client."""
    return f"127.{block}.{n // 250}.{n % 250 + 1}"


class Target:
    def __init__(self, url: str):
        parts = urlparse(url)
        self.host, self.port = parts.hostname, parts.port or 80
        if not self.host.startswith("127."):
            raise BenchError("the soak's clients take addresses of the loopback: --url 127.0.0.1")

    def connection(self, source: str, timeout: float = TIMEOUT) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(
            self.host, self.port, timeout=timeout, source_address=(source, 0)
        )

    def socket(self, source: str) -> socket.socket:
        return socket.create_connection(
            (self.host, self.port), timeout=TIMEOUT, source_address=(source, 0)
        )

    def get(self, path: str) -> str:
        connection = self.connection("127.0.0.1", timeout=120)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read().decode()
        finally:
            connection.close()
        if response.status != 200:
            raise BenchError(f"{path} answered {response.status} before the soak")
        return body


def discover(target: Target) -> dict:
    """The site's own paths: films and people from the sitemaps, genres from /browse/."""
    films, people = [], []
    for section, found in (("films", films), ("people", people)):
        xml = target.get(f"/sitemap-{section}.xml")
        found += [urlparse(url).path for url in re.findall(r"<loc>([^<]+)</loc>", xml)]
    genres = sorted(set(re.findall(r'name="genre" value="([^"]+)"', target.get("/browse/"))))
    if not films or not genres:
        raise BenchError("no film or no genre found: is the demo catalog imported?")
    return {"films": films, "people": people, "genres": genres}


def request_for(kind: str, paths: dict, rnd: random.Random) -> tuple[str, str, dict, bytes | None]:
    """(method, path, headers, body) of one request of this kind."""
    token = rnd.randrange(10**9)
    if kind == "page":
        choice = rnd.random()
        if choice < 0.5:
            return "GET", rnd.choice(paths["films"]), {}, None
        if choice < 0.7 and paths["people"]:
            return "GET", rnd.choice(paths["people"]), {}, None
        if choice < 0.8:
            return "GET", f"/browse/?page={rnd.randint(1, 20)}", {}, None
        if choice < 0.9:
            return (
                "GET",
                f"/search/?q={rnd.choice(['las', 'love', 'night', 'war', 'john'])}",
                {},
                None,
            )
        return "GET", "/", {}, None
    if kind == "join bomb":
        themes = ",".join(f"theme-{rnd.randrange(10**6)}" for _ in range(rnd.randint(20, 300)))
        return "GET", f"/browse/?theme={themes}", {}, None
    if kind == "genre bomb":
        genres = rnd.sample(paths["genres"], min(len(paths["genres"]), rnd.randint(5, 30)))
        query = urlencode([("genre", g) for g in genres] + [("genre_mode", "all"), ("x", token)])
        return "GET", f"/browse/?{query}", {}, None
    if kind == "sitemap variant":
        section = rnd.choice(["films", "people", "films"])
        language = rnd.choice(["fr", "de", "en-GB", f"x-{token}"])
        return "GET", f"/sitemap-{section}.xml?x={token}", {"Accept-Language": language}, None
    if kind == "bad charset":
        headers = {
            "Content-Type": "application/x-www-form-urlencoded; charset=latin-1",
            "Cookie": "csrftoken=" + "a" * 32,
        }
        return (
            "POST",
            rnd.choice(paths["films"]) + "rate/",
            headers,
            "stars=5&n=Am\xe9lie".encode("latin-1"),
        )
    if kind == "too many fields":
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "csrftoken=" + "a" * 32,
        }
        return "POST", "/", headers, urlencode([(f"f{i}", "1") for i in range(1500)]).encode()
    return (
        "GET",
        rnd.choice([f"/film/no-such-film-{token}/", f"/{token}", f"/person/x-{token}/"]),
        {},
        None,
    )


class Tally:
    """Answers by kind of request and status, from every client thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()

    def add(self, kind: str, outcome):
        with self.lock:
            self.counts[(kind, outcome)] += 1


def page_client(target, paths, args, index, stop_at, tally):
    rnd = random.Random(args.seed * 1000 + index)
    source = loopback(index % args.addresses, 1)
    connection = target.connection(source)
    while time.monotonic() < stop_at:
        kind = rnd.choice(HOSTILE_KINDS) if rnd.random() < args.hostile else "page"
        method, path, headers, body = request_for(kind, paths, rnd)
        headers.setdefault("Accept-Encoding", "gzip, deflate, br, zstd")  # as browsers ask
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            tally.add(
                kind,
                f"no answer in {TIMEOUT} s" if isinstance(error, TimeoutError) else "no answer",
            )
            connection.close()
            connection = target.connection(source)
            continue
        tally.add(kind, response.status)
        if response.will_close:
            connection.close()
            connection = target.connection(source)
        wait = response.getheader("Retry-After")
        if response.status in (429, 503) and wait and not args.ignore_retry_after:
            time.sleep(min(float(wait), max(stop_at - time.monotonic(), 0)))
    connection.close()


SLOW_KINDS = ("idle connection", "truncated body", "slow headers")


def slow_client(target, kind, index, stop_at, tally):
    """One slow client after another until the end: each sends part of a request, then
    waits. How each ends: closed by the server (after how long), or an answer's status."""
    source = loopback(index, 2)
    while time.monotonic() < stop_at:
        started = time.monotonic()
        try:
            sock = target.socket(source)
        except OSError:
            tally.add(kind, "refused")
            time.sleep(1)
            continue
        sock.settimeout(1)
        try:
            if kind == "truncated body":
                sock.sendall(
                    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n\r\nstars=5"
                )
            elif kind == "slow headers":
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            answer, line = b"", 0
            while time.monotonic() < stop_at:
                try:
                    chunk = sock.recv(4096)
                except TimeoutError:
                    if kind == "slow headers" and time.monotonic() - started > 5 * (line + 1):
                        line += 1
                        sock.sendall(f"X-Slow-{line}: a\r\n".encode())  # slowloris
                    continue
                if not chunk:
                    break
                answer += chunk
            if time.monotonic() >= stop_at:
                tally.add(kind, "still open at the end")
            elif answer:
                tally.add(kind, int(answer.split(b" ", 2)[1]))
            else:
                tally.add(kind, f"closed after {round(time.monotonic() - started)} s")
        except OSError:
            tally.add(kind, f"reset after {round(time.monotonic() - started)} s")
        finally:
            sock.close()


def prober(url, duration, queue):
    """/healthz on a new connection every PROBE_EVERY seconds, from its own address: the
    latencies in milliseconds and the statuses. A process of its own, so that the page
    clients' threads do not delay its clock."""
    target = Target(url)
    latencies, statuses = [], collections.Counter()
    stop_at = time.monotonic() + duration
    while time.monotonic() < stop_at:
        started = time.monotonic()
        connection = target.connection(loopback(0, 3))
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            statuses[response.status] += 1
        except (OSError, http.client.HTTPException):
            statuses["no answer"] += 1
        finally:
            connection.close()
        elapsed = time.monotonic() - started
        latencies.append(elapsed * 1000)
        time.sleep(max(PROBE_EVERY - elapsed, 0))
    queue.put((latencies, dict(statuses)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def soak(args) -> dict:
    target = Target(args.url)
    paths = discover(target)
    tally = Tally()
    queue = multiprocessing.Queue()
    probe = multiprocessing.Process(target=prober, args=(args.url, args.duration, queue))
    probe.start()
    started = time.monotonic()
    stop_at = started + args.duration
    threads = [
        threading.Thread(target=page_client, args=(target, paths, args, i, stop_at, tally))
        for i in range(args.connections)
    ]
    threads += [
        threading.Thread(target=slow_client, args=(target, kind, i, stop_at, tally))
        for i, kind in enumerate(k for k in SLOW_KINDS for _ in range(args.slow))
    ]
    for thread in threads:
        thread.daemon = True
        thread.start()
    latencies, probe_statuses = queue.get(timeout=args.duration + 2 * TIMEOUT)
    probe.join()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    seconds = time.monotonic() - started
    by_kind = collections.defaultdict(dict)
    for (kind, outcome), count in sorted(tally.counts.items(), key=str):
        by_kind[kind][str(outcome)] = count
    statuses = collections.Counter()
    for (kind, outcome), count in tally.counts.items():
        if kind not in SLOW_KINDS:
            statuses[str(outcome)] += count
    # A 5xx to a slow client counts too: gunicorn alone answers some of them 500.
    errors = sum(c for (_, o), c in tally.counts.items() if isinstance(o, int) and o >= 500)
    return {
        "url": args.url,
        "seconds": round(seconds, 1),
        "connections": args.connections,
        "addresses": args.addresses,
        "requests": sum(statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "5xx": errors,
        "turned away (429)": statuses.get("429", 0),
        "by kind": by_kind,
        "healthz": {
            "probes": len(latencies),
            "statuses": {str(s): c for s, c in probe_statuses.items()},
            "p50 ms": round(statistics.median(latencies), 1),
            "p99 ms": round(percentile(latencies, 0.99), 1),
            "max ms": round(max(latencies), 1),
        },
    }


def print_results(results: dict) -> None:
    print(
        f"Soak of {results['url']}: {results['seconds']} s, {results['connections']} page "
        f"connections from {results['addresses']} address(es)"
    )
    print(f"  requests answered or not: {results['requests']:,}")
    for status, count in results["statuses"].items():
        print(f"    {status}: {count:,}")
    shed = results["turned away (429)"]
    print(f"  5xx: {results['5xx']:,}; turned away per address (429): {shed:,}")
    print("  by kind:")
    for kind, outcomes in results["by kind"].items():
        listed = ", ".join(f"{o}: {c:,}" for o, c in outcomes.items())
        print(f"    {kind}: {listed}")
    health = results["healthz"]
    print(
        f"  /healthz: {health['probes']:,} probes {health['statuses']}, "
        f"p50 {health['p50 ms']} ms, p99 {health['p99 ms']} ms, max {health['max ms']} ms"
    )


if __name__ == "__main__":
    sys.exit(main())
