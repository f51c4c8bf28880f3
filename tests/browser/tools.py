"""The outside tools the browser checks use, and what happens when one is missing.

On a developer's machine a missing tool skips its tests with the way to install it. In CI
(CI=true) it fails them: checks that silently skip are checks that never run."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from filmsite.settings import BASE_DIR, envbool

IN_CI = envbool("CI")

# Debian's Chromium (apt-get install chromium), also what `make audit` gives Lighthouse.
CHROMIUM = Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The narrowest screen WCAG asks pages to reflow to (1.4.10: 320 CSS pixels), and a laptop.
NARROW = {"width": 320, "height": 812}
WIDE = {"width": 1280, "height": 900}

VNU_JAR = BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def missing(what: str, how: str) -> None:
    """Skip, or fail in CI, because `what` is not installed; `how` says how to get it."""
    message = f"{what} is not installed ({how})"
    if IN_CI:
        pytest.fail(f"{message}: in CI (CI=true) these checks must run, not skip", pytrace=False)
    pytest.skip(message)


def require_chromium() -> None:
    if not CHROMIUM.exists():
        missing(f"Chromium at {CHROMIUM}", "apt-get install chromium, or run .ci/run")


def require_vnu() -> str:
    """The java command that runs the Nu HTML Checker."""
    java = shutil.which("java")
    if java is None:
        missing("Java", "apt-get install default-jre-headless")
    if not VNU_JAR.exists():
        missing(f"The Nu HTML Checker at {VNU_JAR.relative_to(BASE_DIR)}", "make dev-tools")
    return java


def vnu_errors(java: str, html: str) -> list[dict]:
    """The Nu HTML Checker's errors for one page, read from standard input (it refuses
    localhost URLs, and the HTML the server sends is what is to be checked)."""
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "-"],
        input=html.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    # The report goes to standard error; exit status 1 means errors were found.
    if result.returncode not in (0, 1):
        raise RuntimeError(f"vnu failed ({result.returncode}): {result.stderr.decode()[-2000:]}")
    return [m for m in json.loads(result.stderr)["messages"] if m["type"] == "error"]


def route_exists(url_name: str) -> bool:
    """Whether the site has this page yet (a film's, taking a slug and an id)."""
    try:
        reverse(url_name, args=["x", 1])
    except NoReverseMatch:
        return False
    return True


def waiting_for(feature: str, url_name: str):
    """Tests of a feature being built: expected to fail, and not run, until its page
    exists; from then on they run as any other test."""
    return pytest.mark.xfail(
        not route_exists(url_name), reason=f"waiting for {feature}", strict=False, run=False
    )


waiting_for_ratings = waiting_for("ratings", "films:rate")
waiting_for_comments = waiting_for("comments", "films:comments")
