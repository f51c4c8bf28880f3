"""Lighthouse scores of the home page, a film page and a search page.

Run by `make audit` once the demo catalog is in the database: serves the site with gunicorn
as in production (DEBUG off, collectstatic's hashed and compressed files through whitenoise)
on a free port, runs Lighthouse (node_modules, `npm ci`) in Debian's Chromium three times on
each page, prints the four scores of the median run, and writes Lighthouse's JSON reports to
audit-results/.
Exits 1 when a score is below --min (95), naming the audits that cost points.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LIGHTHOUSE = BASE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
# As for the browser tests (tests/browser/tools.py): no sandbox as root, nothing fetched
# from outside by the browser itself.
CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
ATTEMPTS = 3
# Lighthouse's own advice against the variance of its performance score (Total Blocking
# Time above all, on a 2-core machine): several runs, and the median one.
RUNS = 3
FILM_TITLE = "Leaving Las Vegas"
SEARCH = "/search/?q=las+vegas"
# Audits left out on a page, with the reason printed under the scores. Search results ask
# not to be indexed (robots noindex), as search engines ask of a site's own results pages;
# Lighthouse's is-crawlable alone would take 40 SEO points for that.
SKIPPED = {"search": {"is-crawlable": "search results are noindex on purpose"}}


def film_path(title: str) -> str:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filmsite.settings")
    import django

    django.setup()
    from films.catalog.models import Film

    film = Film.objects.filter(title=title).order_by("id").first()
    if film is None:
        sys.exit(f"No film titled {title!r} in the database: run `make demo-db` first.")
    return film.get_absolute_url()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {server.returncode}): see audit-results/gunicorn.log")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"gunicorn did not answer {url} within {seconds:.0f} s")


def lighthouse(url: str, report: Path, skip: list[str]) -> dict:
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROMIUM_FLAGS}",
    ]
    if skip:
        command.append(f"--skip-audits={','.join(skip)}")
    for attempt in range(1, ATTEMPTS + 1):
        # Lighthouse now and then fails to record the page load's trace (NO_NAVSTART) and
        # asks to be run again: so it is, a few times, before giving up.
        if subprocess.run(command, env=env, timeout=300).returncode == 0:
            return json.loads(report.read_text())
        print(f"Lighthouse failed on {url} (attempt {attempt} of {ATTEMPTS})", file=sys.stderr)
    sys.exit(f"Lighthouse failed {ATTEMPTS} times on {url}")


def median_run(url: str, output: Path, name: str, skip: list[str]) -> tuple[dict, list[int]]:
    """The run with the median performance score, kept as NAME.json, and every run's
    performance score."""
    runs = [lighthouse(url, output / f"{name}-run{n}.json", skip) for n in range(1, RUNS + 1)]
    runs.sort(key=lambda result: result["categories"]["performance"]["score"] or 0)
    median = runs[len(runs) // 2]
    (output / f"{name}.json").write_text(json.dumps(median))
    return median, [scores(result)["performance"] for result in runs]


def scores(result: dict) -> dict[str, int]:
    return {c: round((result["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}


def lost_points(result: dict, category: str) -> list[str]:
    """The weighted audits of a category that did not pass fully."""
    audits = result["audits"]
    lost = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            lost.append(f"{audit['id']}: {audit['score']:.2f}{value}")
    return lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min", type=int, default=95, help="lowest acceptable score (95)")
    parser.add_argument("--output", type=Path, default=BASE_DIR / "audit-results")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `make dev-tools` (npm ci).")
    if not Path(CHROMIUM).exists():
        sys.exit(f"No Chromium at {CHROMIUM}: apt-get install chromium, or set CHROME_PATH.")
    args.output.mkdir(exist_ok=True)

    pages = {"home": "/", "film": film_path(FILM_TITLE), "search": SEARCH}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DEBUG": "0"}
    with open(args.output / "gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "filmsite.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(f"{base}/healthz", server)
            results, performance_runs = {}, {}
            for name, path in pages.items():
                print(f"Lighthouse, {RUNS} runs: {base}{path}", flush=True)
                skip = list(SKIPPED.get(name, {}))
                results[name], performance_runs[name] = median_run(
                    base + path, args.output, name, skip
                )
        finally:
            server.terminate()
            server.wait(timeout=30)

    table = {name: scores(result) for name, result in results.items()}
    print()
    print(f"| page | {' | '.join(CATEGORIES)} |")
    print(f"|---|{'---|' * len(CATEGORIES)}")
    for name, row in table.items():
        print(f"| {name} ({pages[name]}) | {' | '.join(str(row[c]) for c in CATEGORIES)} |")
    version = next(iter(results.values()))["lighthouseVersion"]
    summary = {
        "lighthouse": version,
        "pages": pages,
        "scores": table,
        "performance_runs": performance_runs,
        "skipped": SKIPPED,
    }
    (args.output / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\nLighthouse {version}, mobile emulation, the median of {RUNS} runs per page.")
    print(f"Reports in {args.output}/")
    for name, runs in performance_runs.items():
        print(f"Performance of {name} in each run: {', '.join(map(str, runs))}.")
    for name, audits in SKIPPED.items():
        for audit, reason in audits.items():
            print(f"Not audited on {name}: {audit} ({reason}).")

    below = [(n, c) for n, row in table.items() for c in CATEGORIES if row[c] < args.min]
    for name, category in below:
        print(f"{name} {category} is {table[name][category]} (< {args.min}):", file=sys.stderr)
        for line in lost_points(results[name], category):
            print(f"    {line}", file=sys.stderr)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
