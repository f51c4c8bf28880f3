"""Screenshots of the pages a film lover opens first, at a phone's and a laptop's width, in
light and dark mode, saved under test-artifacts/screens/ to be looked at after a change to
the pages. Each also checks what makes a screen unusable: no page wider than the screen."""

import pytest

from films.catalog.models import Person
from tests.browser.conftest import ARTIFACTS

# Whitenoise warns that collectstatic has not been run; the live server serves static/ itself.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

SCREENS = ARTIFACTS / "screens"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


def screens(catalog) -> dict[str, str]:
    cage = Person.objects.get(name="Nicolas Cage")
    return {
        "home": "/",
        "film": catalog.vegas.get_absolute_url(),
        "similar": f"{catalog.vegas.get_absolute_url()}similar/",
        "person": cage.get_absolute_url(),
        "search": "/search/?q=las+vegas",
        "genres": "/genres/",
        "browse": "/browse/",
        "like": catalog.urls["like"],
        "sign-up-fr": "/fr/account/sign-up/",
    }


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1280px"])
def test_every_screen_is_saved_and_fits_its_width(page, catalog, color_scheme, viewport):
    SCREENS.mkdir(parents=True, exist_ok=True)
    for name, url in screens(catalog).items():
        page.goto(url)
        path = SCREENS / f"{name}-{viewport['width']}-{color_scheme}.png"
        page.screenshot(path=path, full_page=True)
        assert path.stat().st_size > 0
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name} is {width}px wide at {viewport['width']}px"
