"""axe-core finds no accessibility violations on the site's pages; ratings read well to
screen readers; focus is visible; pages fit a phone and follow the system's dark mode."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.catalog import PAGES
from tests.browser.tools import NARROW, missing, route_exists, waiting_for_comments

# Whitenoise warns that collectstatic has not been run; the live server serves static/ itself.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def axe_violations(page) -> str:
    """axe-core's report of the page's violations, empty when there are none."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        missing("axe-playwright-python", "pip install -e '.[dev]'")
    results = Axe().run(page)
    return results.generate_report() if results.violations_count else ""


def brightness(css_color: str) -> float:
    """0 (black) to 255 (white), from "rgb(r, g, b)"."""
    red, green, blue = (int(n) for n in re.findall(r"\d+", css_color)[:3])
    return (red + green + blue) / 3


def show_comment_errors(page, catalog):
    """The film's comments page as it comes back from a comment sent empty."""
    page.goto(catalog.vegas.get_absolute_url())
    form = page.locator("form.comment-form")
    # Past the browser's own checks of required fields, as a browser without them would.
    form.evaluate("form => { form.noValidate = true; }")
    form.get_by_role("button").click()
    expect(page.get_by_text("Please give a name to sign your comment with.")).to_be_visible()


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(page, catalog, name):
    page.goto(catalog.urls[name])
    violations = axe_violations(page)
    assert not violations, violations


@waiting_for_comments
def test_axe_finds_no_violations_on_the_comment_error_page(page, catalog):
    show_comment_errors(page, catalog)
    violations = axe_violations(page)
    assert not violations, violations


@pytest.mark.parametrize("color_scheme", ["dark"])
@pytest.mark.parametrize("name", ["film", "browse"])
def test_dark_mode_has_enough_contrast_too(page, catalog, name, color_scheme):
    page.goto(catalog.urls[name])
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.body); return [s.backgroundColor, s.color]; }"
    )
    background, text = (brightness(color) for color in style)
    assert background < 40 and text > 200, f"not dark: {style}"
    violations = axe_violations(page)
    assert not violations, violations


@pytest.mark.parametrize("viewport", [NARROW], ids=["320px"])
@pytest.mark.parametrize("name", PAGES)
def test_pages_fit_a_320_pixel_wide_screen(page, catalog, name, viewport):
    page.goto(catalog.urls[name])
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > NARROW["width"]:
        # Which elements stick out, to say what to fix.
        overflowing = page.evaluate(
            """() => [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
                .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                    + (e.className ? "." + e.className : ""))"""
        )
        pytest.fail(f"the page is {width}px wide; wider than the screen: {overflowing}")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_focus_is_visible_on_every_stop_of_the_keyboard(page, catalog, color_scheme):
    page.goto(catalog.vegas.get_absolute_url())
    stops = []
    for _ in range(12):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                """() => {
                    const e = document.activeElement, style = getComputedStyle(e);
                    const label = (e.textContent || e.name || "").trim().slice(0, 30);
                    return {what: e.tagName + " " + label,
                            outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                            color: style.outlineColor};
                }"""
            )
        )
    assert stops[0]["what"] == "A Skip to content"
    hidden = [s for s in stops if s["outline"] == "none" or s["width"] < 2]
    assert not hidden, f"no visible focus on: {hidden}"


def test_ratings_read_as_text_to_screen_readers(page, catalog):
    page.goto(catalog.vegas.get_absolute_url())
    rating = page.locator(".rating").first
    tree = rating.aria_snapshot()
    # The stars are drawn by CSS and hidden; the figures are read out.
    assert "★" not in tree and "☆" not in tree
    assert re.search(r"80% · 4\.0/5", tree), tree
    if route_exists("films:rate"):
        stars = page.locator("section.rate").get_by_role("radio")
        expect(stars).to_have_count(5)
        assert [s.get_attribute("value") for s in stars.all()] == ["1", "2", "3", "4", "5"]
        expect(page.get_by_role("radio", name="1 star", exact=True)).to_be_visible()
        expect(page.get_by_role("radio", name="5 stars", exact=True)).to_be_visible()
