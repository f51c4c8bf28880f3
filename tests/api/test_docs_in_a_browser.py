"""The API's interactive documentation in Chromium, under the site's Content-Security-
Policy: Swagger UI loads from the site's own files, breaks no rule, and calls the API.

Chromium is driven from a process of its own: the browser tests of tests/browser/ keep
Playwright's loop running in this one for the whole session, and a second would refuse."""

import json
import subprocess
import sys

import pytest

from tests.browser.tools import CHROMIUM, CHROMIUM_FLAGS, WIDE, require_chromium
from tests.conftest import make_film

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

VISIT = """
import json, sys
from playwright.sync_api import sync_playwright

base, chromium = sys.argv[1:3]
flags, viewport = map(json.loads, sys.argv[3:5])
WATCH = '''
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
'''
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=chromium, args=flags, headless=True)
    page = browser.new_page(base_url=base, viewport=viewport)
    page.set_default_timeout(10_000)
    page.add_init_script(WATCH)
    requested, errors = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/api/v1/docs")
    films = page.locator("#operations-films-listFilms")
    films.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = films.locator(".live-responses-table .response .response-col_status").first
    found = {
        "status": status.inner_text().strip(),
        "responses": films.locator(".live-responses-table").inner_text(),
        "violations": page.evaluate("window.__violations"),
        "errors": errors,
        "requested": requested,
    }
    browser.close()
print(json.dumps(found))
"""


def test_the_documentation_works_under_the_sites_policy(transactional_db, live_server):
    require_chromium()
    make_film(title="Leaving Las Vegas", year=1995, genres=["Drama"])

    visit = subprocess.run(
        [
            sys.executable,
            "-c",
            VISIT,
            live_server.url,
            str(CHROMIUM),
            json.dumps(CHROMIUM_FLAGS),
            json.dumps(WIDE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert visit.returncode == 0, visit.stderr
    found = json.loads(visit.stdout)

    assert found["status"] == "200"
    assert "Leaving Las Vegas" in found["responses"]
    assert found["violations"] == []
    assert found["errors"] == []
    assert found["requested"]
    assert all(url.startswith(live_server.url) for url in found["requested"])
