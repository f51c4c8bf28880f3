"""Chromium (Debian's, through Playwright) against Django's live server.

Every test here gets a fresh small catalog (tests/browser/catalog.py) in a transactional
database that the live server's thread can see. On a failure the page's screenshot and
HTML are saved under test-artifacts/<test>/ and the report says where."""

import os
import re

import pytest
from django.core.cache import cache

from filmsite.settings import BASE_DIR
from tests.browser.catalog import make_catalog
from tests.browser.tools import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    WIDE,
    missing,
    require_chromium,
)

# Playwright's sync API runs an event loop in the test's thread, so Django takes every
# ORM call there (the catalog set-up, assertions on the database) for one made from async
# code and refuses it. Nothing here is async: the loop only talks to the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = BASE_DIR / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python", "pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        # Never `playwright install`: it downloads a browser of its own.
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def catalog(live_server):
    # Votes and comments are rate-limited in the cache, which outlives each test's database.
    cache.clear()
    return make_catalog()


@pytest.fixture
def javascript() -> bool:
    """Parametrize a test with `javascript` to run it without JavaScript too."""
    return True


@pytest.fixture
def color_scheme() -> str:
    return "light"


@pytest.fixture
def viewport() -> dict:
    return WIDE


@pytest.fixture
def page(browser, live_server, catalog, javascript, color_scheme, viewport):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=javascript,
        color_scheme=color_scheme,
        viewport=viewport,
        locale="en-GB",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def artifact_dir(nodeid: str):
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")
    return ARTIFACTS / name


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    page = getattr(item, "funcargs", {}).get("page")
    if report.failed and report.when == "call" and page is not None and not page.is_closed():
        folder = artifact_dir(item.nodeid)
        folder.mkdir(parents=True, exist_ok=True)
        saved = []
        try:
            page.screenshot(path=folder / "screenshot.png", full_page=True)
            saved.append("screenshot.png")
            (folder / "page.html").write_text(page.content(), encoding="utf-8")
            saved.append("page.html")
        except Exception as error:  # the page may have crashed: say so, keep the report
            saved.append(f"(could not save everything: {error})")
        where = folder.relative_to(BASE_DIR)
        report.sections.append(
            ("browser artifacts", f"{page.url}\nsaved in {where}/: {', '.join(saved)}")
        )
    return report
