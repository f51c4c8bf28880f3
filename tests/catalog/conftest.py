"""What the tests of the import share: catalog lines made for the tests, and running the
import_catalog command on them."""

import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def film_line(number=1, **fields) -> dict:
    """A minimal valid catalog line."""
    return {"id": f"test:film-{number}", "title": f"Film {number}", **fields}


def encode(lines) -> bytes:
    """Catalog bytes; dicts become JSON, strings are written as they are."""
    return b"".join(
        (line if isinstance(line, str) else json.dumps(line)).encode() + b"\n" for line in lines
    )


def write_catalog(directory: Path, *lines, name="catalog.jsonl") -> str:
    data = encode(lines)
    path = directory / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return str(path)


def run_import(*args, **options) -> tuple[str, str]:
    """Run the command; (stdout, stderr). A CommandError propagates, carrying the stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_catalog", *args, stdout=stdout, stderr=stderr, **options)
    except CommandError as error:
        error.stderr = stderr.getvalue()
        raise
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def import_lines(db, tmp_path):
    """Write the lines to a catalog file and import it; (stdout, stderr)."""

    def import_lines(*lines, name="catalog.jsonl", **options):
        return run_import(write_catalog(tmp_path, *lines, name=name), **options)

    return import_lines


@pytest.fixture
def failing_import(import_lines):
    """Import the lines expecting the command to fail; (error message, stderr)."""

    def failing_import(*lines, **options):
        with pytest.raises(CommandError) as failure:
            import_lines(*lines, **options)
        return str(failure.value), failure.value.stderr

    return failing_import
