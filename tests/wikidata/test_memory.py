"""A conversion's memory grows with the films' references, not with the rest of the dump."""

import json
import subprocess
import sys
from pathlib import Path

from tests.wikidata.synthetic import write_dump

ROOT = Path(__file__).resolve().parents[2]

# Run in a process of its own, so that nothing else this test session holds is counted.
MEASURE = """
import json, os, sys, tracemalloc
from pathlib import Path
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "filmsite.settings"
django.setup()
from wikidata import dumps
from wikidata.conversion import convert_dump
# Little read ahead: how far the reading thread is ahead depends on how the two threads
# take turns, and up to 8 MB of blocks waiting would hide what the test looks for.
dumps.QUEUED_BLOCKS, dumps.DECOMPRESSED_BLOCK = 1, 1 << 16
tracemalloc.start()
summary = convert_dump(Path(sys.argv[1]), Path(sys.argv[2]), external_decompressor=False)
print(json.dumps({"peak": tracemalloc.get_traced_memory()[1], "entities": summary.entities,
                  "films": summary.films}))
"""


def _peak(dump: Path, tmp_path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(dump), str(tmp_path / f"{dump.name}.jsonl.gz")],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_ten_times_the_entities_take_no_more_memory(tmp_path):
    # The same 200 films, in dumps of 20,000 and of 200,000 entities.
    smaller, larger = tmp_path / "20k.json.gz", tmp_path / "200k.json.gz"
    write_dump(smaller, entities=20_000, films=200, smaller=True)
    write_dump(larger, entities=200_000, films=200, smaller=True)

    small, large = _peak(smaller, tmp_path), _peak(larger, tmp_path)

    assert (small["entities"], large["entities"]) == (20_000, 200_000)
    assert small["films"] == large["films"] == 200
    # A set of the 200,000 ids alone would take 10 MB more.
    assert large["peak"] < small["peak"] + 1_000_000, (small, large)
