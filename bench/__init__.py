"""make bench: generate a synthetic catalog, import it, build its similar films, and load
the site's pages under gunicorn (see bench/run.py and the README's Performance section)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class BenchError(Exception):
    pass
