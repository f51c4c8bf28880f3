import bz2
import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DUMP = FIXTURES / "dump.json"


def entity_lines() -> list[str]:
    """The fixture's entities, one JSON text each, in the dump's order."""
    lines = DUMP.read_text(encoding="utf-8").splitlines()
    return [line.rstrip(",") for line in lines if line not in ("[", "]")]


def write_json_lines(path: Path, lines: list[str]) -> Path:
    text = "".join(line + "\n" for line in lines).encode()
    return _write(path, text)


def write_array(path: Path, lines: list[str]) -> Path:
    text = ("[\n" + ",\n".join(lines) + "\n]\n").encode()
    return _write(path, text)


def _write(path: Path, data: bytes) -> Path:
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
    elif path.name.endswith(".bz2"):
        data = bz2.compress(data)
    path.write_bytes(data)
    return path


def read_catalog(path: Path) -> list[dict]:
    data = path.read_bytes()
    if data.startswith(b"\x1f\x8b"):
        data = gzip.decompress(data)
    return [json.loads(line) for line in data.decode().splitlines()]


class Run:
    def __init__(self, films: list[dict], stdout: str, stderr: str):
        self.films = films
        self.by_id = {film["id"]: film for film in films}
        self.stdout = stdout
        self.stderr = stderr


@pytest.fixture
def convert(tmp_path):
    """convert(source, *options) runs convert_wikidata into a new catalog and reads it."""

    def run(source: Path, *options: str, out: Path | None = None) -> Run:
        out = out or tmp_path / "catalog.jsonl.gz"
        stdout, stderr = io.StringIO(), io.StringIO()
        call_command(
            "convert_wikidata", str(source), str(out), *options, stdout=stdout, stderr=stderr
        )
        return Run(read_catalog(out), stdout.getvalue(), stderr.getvalue())

    return run
