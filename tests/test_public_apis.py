"""The site uses only the public APIs of Django and psycopg: an underscored name of theirs
can change in any release without a failing import."""

import ast
import contextlib
import functools
import importlib
import inspect
from pathlib import Path

import django
import psycopg

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "filmsite",
    "api",
    "accounts",
    "pages",
    "films",
    "recommendations",
    "wikidata",
    "caching",
    "bench",
]
LIBRARIES = [Path(django.__file__).parent, Path(psycopg.__file__).parent]
# Documented as public despite the underscore: Django's Model _meta API, named tuples'.
PUBLIC = {"_meta", "_replace", "_asdict", "_fields", "_make"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in PUBLIC


def _parsed(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _members(tree) -> set[str]:
    """Underscored methods and attributes a module's classes define or set."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in ast.walk(node):
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.Attribute) and isinstance(item.ctx, ast.Store):
                    names.add(item.attr)
                elif isinstance(item, ast.Name) and isinstance(item.ctx, ast.Store):
                    names.add(item.id)
    return {name for name in names if _private(name)}


@functools.cache
def _library_members() -> frozenset[str]:
    return frozenset(
        name for folder in LIBRARIES for _, tree in _parsed(folder) for name in _members(tree)
    )


def _external_bases(module: str, class_name: str) -> list[type]:
    """The classes of other packages that the project's class inherits from."""
    try:
        cls = getattr(importlib.import_module(module), class_name)
    except (ImportError, AttributeError):  # a class made inside a function
        return []
    return [base for base in cls.__mro__[1:] if not base.__module__.startswith(tuple(PACKAGES))]


def _inherited(name: str, bases: list[type]) -> bool:
    for base in bases:
        if any(name in vars(klass) for klass in base.__mro__):
            return True
        with contextlib.suppress(OSError, TypeError):  # built in, or no source
            if f"self.{name} " in inspect.getsource(base):
                return True
    return False


def _uses(path: Path, tree, ours: set[str]) -> list[str]:
    """Where the module reads, sets or overrides an underscored member of Django's or
    psycopg's objects, or imports an underscored name of theirs. `ours`: the underscored
    members the project's own classes define."""
    library = _library_members()
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
            "django",
            "psycopg",
        ):
            parts = [*(node.module or "").split("."), *(alias.name for alias in node.names)]
            found += [f"{where} imports {node.module}: {p}" for p in parts if _private(p)]
        elif isinstance(node, ast.Attribute) and node.attr in library and node.attr not in ours:
            found.append(f"{where} uses .{node.attr}")
        elif isinstance(node, ast.ClassDef) and node.bases:
            bases = _external_bases(module, node.name)
            found += [
                f"{where} overrides {node.name}.{name}"
                for name in sorted(_members(node) & library)
                if _inherited(name, bases)
            ]
    return found


def test_no_underscored_name_of_django_or_psycopg_is_used():
    sources = [source for package in PACKAGES for source in _parsed(ROOT / package)]
    ours = {name for _, tree in sources for name in _members(tree)}
    uses = [use for path, tree in sources for use in _uses(path, tree, ours)]
    assert not uses, "\n".join(uses)


def test_it_finds_a_private_member_of_django():
    tree = ast.parse(
        "from django.middleware.csrf import _mask_cipher_secret\n"
        "queryset._result_cache = []\n"
        "from django.contrib.sitemaps import Sitemap\n"
        "sitemap.paginator = Paginator(sitemap._items(), 10)\n"
    )
    uses = _uses(ROOT / "example.py", tree, ours=set())
    assert [use.split(" ", 1)[1] for use in uses] == [
        "imports django.middleware.csrf: _mask_cipher_secret",
        "uses ._result_cache",
        "uses ._items",
    ]
