"""The benchmark's questions to its database, asked in a process of its own (so that the
benchmark itself never connects Django to any database): python -m bench.probe state, or
python -m bench.probe paths SEED DIRECTORY. Prints JSON."""

import json
import os
import sys
from pathlib import Path


def state() -> dict:
    from django.contrib.auth import get_user_model

    from films.models import Film
    from films.synthetic import SOURCE
    from recommendations.models import FilmRecommendations

    real = Film.objects.exclude(source=SOURCE)
    return {
        "films": Film.objects.count(),
        "real_films": real.count(),
        "real_example": real.values_list("external_id", flat=True).first(),
        "users": get_user_model().objects.count(),
        "built": FilmRecommendations.objects.count(),
    }


def paths(seed: int, directory: Path) -> dict:
    """Writes each page kind's paths to DIRECTORY/KIND.txt; {kind: number of paths, or
    None when the page does not exist}."""
    from bench.pages import KINDS, Sample, paths_of

    sample = Sample(seed=seed)
    found = {}
    for kind in KINDS:
        listed = paths_of(kind, sample)
        found[kind.name] = len(listed) if listed else None
        if listed:
            (directory / f"{kind.name}.txt").write_text("\n".join(listed) + "\n")
    return found


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filmsite.settings")
    import django

    django.setup()
    if sys.argv[1] == "state":
        print(json.dumps(state()))
    else:
        print(json.dumps(paths(int(sys.argv[2]), Path(sys.argv[3]))))
