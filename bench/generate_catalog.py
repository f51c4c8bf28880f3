"""python -m bench.generate_catalog OUT --films N --seed S: write a synthetic catalog
(invented films and people, bench/synthetic.py) for measuring the site at scale."""

import argparse
import sys
import time
from pathlib import Path

from tqdm import tqdm

from bench.synthetic import write_catalog


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generate_catalog", description=__doc__)
    parser.add_argument("path", help="Where to write it: a .jsonl.gz or .jsonl file.")
    parser.add_argument("--films", type=int, default=300_000, help="Number of films.")
    parser.add_argument("--seed", type=int, default=1, help="The same seed, the same file.")
    args = parser.parse_args(argv)
    if args.films < 1:
        parser.error("--films must be at least 1.")
    target = Path(args.path)
    if not target.parent.is_dir():
        parser.error(f"No such directory: {target.parent}")
    started = time.monotonic()
    # Written under another name first, so that an interrupted run leaves no half file
    # that a later run (make bench) would take for a whole catalog.
    partial = target.with_name(target.name + ".partial")
    with tqdm(
        total=args.films, unit=" films", disable=not sys.stderr.isatty(), file=sys.stderr
    ) as progress:
        written = write_catalog(
            partial,
            films=args.films,
            seed=args.seed,
            on_progress=progress.update,
            gzipped=target.name.endswith(".gz"),
        )
    partial.replace(target)
    print(
        f"Wrote {written:,} synthetic films (seed {args.seed}) to {args.path} "
        f"in {time.monotonic() - started:.1f} s."
    )


if __name__ == "__main__":
    main()
