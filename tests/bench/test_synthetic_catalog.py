"""The synthetic catalog (bench/synthetic.py, `python -m bench.generate_catalog`): valid,
reproducible, obviously synthetic, and shaped like a real catalog."""

import gzip
import json
from collections import Counter
from statistics import mean

import pytest

from bench import generate_catalog
from bench.synthetic import SOURCE, SyntheticCatalog, write_catalog
from films.catalog.importing.validation import parse_line


@pytest.fixture(scope="module")
def lines() -> list[dict]:
    return list(SyntheticCatalog(3000, seed=7).lines())


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    first, second, other = (tmp_path / n for n in ("a.jsonl.gz", "b.jsonl.gz", "c.jsonl.gz"))

    write_catalog(first, films=300, seed=1)
    write_catalog(second, films=300, seed=1)
    write_catalog(other, films=300, seed=2)

    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_every_line_is_a_valid_catalog_line(lines):
    records = [parse_line(n, json.dumps(line)) for n, line in enumerate(lines, start=1)]

    assert len({r.external_id for r in records}) == 3000
    assert all(r.cast for r in records)


def test_it_cannot_be_taken_for_real_data(lines):
    assert {line["source"] for line in lines} == {SOURCE}
    assert lines[0]["id"] == "synthetic:F000001"
    people = [p for line in lines for p in line["cast"] + line["directors"]]
    assert all(p["id"].startswith("synthetic:P") and len(p["id"]) == 18 for p in people)


def test_its_shapes_are_those_of_a_real_catalog(lines):
    films = len(lines)
    cast_sizes = [len(line["cast"]) for line in lines]
    assert min(cast_sizes) >= 8 and max(cast_sizes) == 20
    assert {len(line["genres"]) for line in lines} == {1, 2, 3, 4}
    drama = sum("Drama" in line["genres"] for line in lines) / films
    assert 0.35 < drama < 0.5
    assert max(len(line["themes"]) for line in lines) == 12
    assert any(not line["themes"] for line in lines)
    assert 0.02 < sum("series" in line for line in lines) / films < 0.06

    films_per_actor = Counter(p["id"] for line in lines for p in line["cast"])
    one_or_two = sum(n <= 2 for n in films_per_actor.values()) / len(films_per_actor)
    assert 0.5 < one_or_two < 0.75  # most actors play in one or two films
    assert max(films_per_actor.values()) >= 50  # and a few in very many
    people = {p["id"] for line in lines for p in line["cast"] + line["directors"]}
    assert 2.5 < len(people) / films < 4
    films_per_director = Counter(p["id"] for line in lines for p in line["directors"])
    assert max(films_per_director.values()) <= 60
    assert 25 < mean(len(line.get("synopsis", "").split()) for line in lines) < 80


def test_the_command_writes_the_file_it_is_given(tmp_path, capsys):
    path = tmp_path / "catalog.jsonl.gz"

    generate_catalog.main([str(path), "--films", "50", "--seed", "3"])

    with gzip.open(path, "rt") as catalog:
        assert sum(1 for _ in catalog) == 50
    assert "Wrote 50 synthetic films (seed 3)" in capsys.readouterr().out
    assert not (tmp_path / "catalog.jsonl.gz.partial").exists()


def test_the_command_refuses_a_directory_that_does_not_exist(tmp_path, capsys):
    with pytest.raises(SystemExit):
        generate_catalog.main([str(tmp_path / "nope" / "c.jsonl.gz"), "--films", "5"])
    assert "No such directory" in capsys.readouterr().err
