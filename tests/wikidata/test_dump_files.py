"""convert_wikidata on the kinds of files it reads: Wikidata's JSON array dumps and JSON
Lines, plain, gzip or bzip2; malformed entities; a catalog never half written."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from tests.wikidata.conftest import DUMP, entity_lines, read_catalog, write_array, write_json_lines
from wikidata import dumps

NAMES = ["dump.json", "dump.json.gz", "dump.json.bz2"]


def _without_the_apis_redirect(films):
    # Wikidata's dumps hold no redirects: in an array the API's form is not looked for
    # (docs/wikidata.md, Redirects), and the credit of Q900000108 is left out.
    for film in films:
        if "cast" in film:
            film["cast"] = [p for p in film["cast"] if p["id"] != "wikidata:Q900000109"]
    return films


@pytest.fixture
def reference(convert, tmp_path):
    """The catalog of the fixture as plain JSON Lines."""
    return convert(write_json_lines(tmp_path / "plain.jsonl", entity_lines())).films


# GNU gzip and bzip2 stand in for pigz and lbzip2, which this machine may not have.
STAND_INS = {"gzip": ("pigz", "gzip"), "bzip2": ("lbzip2", "bzip2")}


@pytest.fixture
def external_decompressors(monkeypatch):
    monkeypatch.setattr(dumps, "DECOMPRESSORS", STAND_INS)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("decompression", ["external", "python"])
def test_a_json_array_dump_plain_or_compressed(
    convert, tmp_path, reference, name, decompression, external_decompressors
):
    dump = write_array(tmp_path / name, entity_lines())
    options = ["--python-decompression"] if decompression == "python" else []

    run = convert(dump, *options)

    assert run.films == _without_the_apis_redirect(reference)
    assert "1 cast members not found in the input" not in run.stdout  # two now
    assert "2 cast members not found in the input" in run.stdout


def test_the_fixture_file_itself_is_a_dump(convert, reference):
    assert convert(DUMP).films == _without_the_apis_redirect(reference)


@pytest.mark.parametrize("name", ["entities.jsonl.gz", "entities.jsonl.bz2"])
def test_json_lines_compressed(convert, tmp_path, reference, name):
    assert convert(write_json_lines(tmp_path / name, entity_lines())).films == reference


def test_the_catalog_can_be_plain_json_lines(convert, tmp_path, reference):
    out = tmp_path / "catalog.jsonl"
    run = convert(write_json_lines(tmp_path / "in.jsonl", entity_lines()), out=out)
    assert not out.read_bytes().startswith(b"\x1f\x8b")
    assert run.films == reference


def test_the_same_input_gives_the_same_bytes(convert, tmp_path):
    source = write_array(tmp_path / "dump.json.gz", entity_lines())
    convert(source, out=tmp_path / "one.jsonl.gz")
    convert(source, out=tmp_path / "two.jsonl.gz")
    assert (tmp_path / "one.jsonl.gz").read_bytes() == (tmp_path / "two.jsonl.gz").read_bytes()


# --- Malformed input -------------------------------------------------------------------------

PREVIOUS = b'{"id": "wikidata:Q1", "title": "An earlier catalog"}\n'


def _dump_with(tmp_path, bad_line: str, at: int = 5):
    lines = entity_lines()
    lines.insert(at, bad_line)
    return write_array(tmp_path / "dump.json", lines)  # line 1 is "[": at 5 is line 7


def _run(tmp_path, source, *options):
    out = tmp_path / "catalog.jsonl"
    out.write_bytes(PREVIOUS)
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("convert_wikidata", str(source), str(out), *options, stdout=stdout, stderr=stderr)
    return read_catalog(out), stdout.getvalue(), stderr.getvalue()


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ('{"type":"item","id":"Q5","labels":{', "not a JSON object on one line"),
        ('{"type":"item","labels":{}}', "an entity without an id"),
        ("[1, 2]", "not a JSON object"),
        (
            '{"type":"item","id":"Q5","claims":{"P31":[{"mainsnak":{"datavalue":'
            '{"value":{"id":"Q11424"}}}}]},}',
            "invalid JSON",
        ),
    ],
)
def test_a_malformed_entity_stops_the_run_with_its_line_number(tmp_path, bad_line, message):
    source = _dump_with(tmp_path, bad_line)

    with pytest.raises(CommandError, match=rf"line 7: {message}.*Nothing was written"):
        _run(tmp_path, source)

    # The catalog from before is untouched, and nothing is left beside it.
    assert (tmp_path / "catalog.jsonl").read_bytes() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.jsonl", "dump.json"]


def test_skip_invalid_reports_the_line_and_converts_the_others(tmp_path, convert, reference):
    source = _dump_with(tmp_path, '{"type":"item","id":"Q5","labels":{"en":"Q11424"},}')

    films, stdout, stderr = _run(tmp_path, source, "--skip-invalid")

    assert "line 7: invalid JSON" in stderr and "(skipped)" in stderr
    assert "Skipped 1 malformed entities." in stdout
    assert films == _without_the_apis_redirect(reference)


@pytest.mark.parametrize("name", ["dump.json.gz", "dump.json.bz2"])
def test_a_cut_compressed_file_stops_the_run_and_leaves_the_catalog(
    tmp_path, name, external_decompressors
):
    whole = write_array(tmp_path / f"whole{name}", entity_lines()).read_bytes()
    source = tmp_path / name
    source.write_bytes(whole[: len(whole) // 2])

    for options in ([], ["--python-decompression"]):
        with pytest.raises(CommandError, match="cannot be read.*Nothing was written"):
            _run(tmp_path, source, *options)
        assert (tmp_path / "catalog.jsonl").read_bytes() == PREVIOUS


def test_a_missing_dump_is_named(tmp_path):
    with pytest.raises(CommandError, match="No such dump: .*nowhere.json"):
        _run(tmp_path, tmp_path / "nowhere.json")


def test_without_an_external_decompressor_it_decompresses_in_python(
    convert, tmp_path, reference, monkeypatch, external_decompressors
):
    monkeypatch.setattr(shutil, "which", lambda program: None)
    dump = write_array(tmp_path / "dump.json.bz2", entity_lines())
    assert convert(dump).films == _without_the_apis_redirect(reference)


def test_more_film_classes_can_be_named(convert, tmp_path):
    source = write_json_lines(tmp_path / "in.jsonl", entity_lines())
    # Q13406463 (a Wikimedia list) made a film class: the list is converted too.
    run = convert(source, "--film-class", "Q13406463")
    assert "wikidata:Q900000009" in run.by_id
