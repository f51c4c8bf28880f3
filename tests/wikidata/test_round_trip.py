"""A dump converted, imported and shown: what Wikidata knows of a film reaches its page.
The entities are the fixture's, made for the tests (fixtures/README.md)."""

import io

import pytest
from django.core.management import call_command

from films.catalog.models import Film
from recommendations.services import build_all
from tests.html import find, page, text, texts
from tests.wikidata.conftest import DUMP

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


@pytest.fixture
def harbour_lights(db, tmp_path):
    catalog = tmp_path / "films.jsonl.gz"
    call_command(
        "convert_wikidata", str(DUMP), str(catalog), stdout=io.StringIO(), stderr=io.StringIO()
    )
    call_command("import_catalog", str(catalog), stdout=io.StringIO(), stderr=io.StringIO())
    build_all()
    return Film.objects.get(external_id="wikidata:Q900000001")


def facts(doc) -> dict[str, str]:
    section = find(doc, "section.facts")
    return dict(zip(texts(section, "dt"), texts(section, "dd"), strict=True))


def test_a_converted_film_shows_its_themes_series_and_cast_in_billing_order(client, harbour_lights):
    doc = page(client.get(harbour_lights.get_absolute_url()))

    assert text(doc, "h1") == "Harbour Lights (1995)"
    assert facts(doc)["Themes"] == "Las Vegas, alcoholism"
    assert facts(doc)["Series"] == "Part 2 of Harbour Lights trilogy"
    # Billing order, as Wikidata's statements give it: the lead is named in the summary.
    cast = texts(find(doc, "ul.cast-list"), "li")
    assert cast[:2] == ["Clara Stone as Ben Harrow", "Dmitri Orlov"]
    assert "starring Clara Stone and Dmitri Orlov" in text(doc, "p.summary")
    assert "IMDb" in text(doc, "p.links-out") and "Wikipedia" in text(doc, "p.links-out")


def test_its_french_page_shows_its_french_title_and_names(client, harbour_lights):
    doc = page(client.get("/fr" + harbour_lights.get_absolute_url()))

    assert text(doc, "h1") == "Les Lumières du port (1995)"
    assert facts(doc)["Thèmes"] == "Las Vegas, alcoolisme"
    assert facts(doc)["Genres"] == "Film dramatique, Film romantique"
