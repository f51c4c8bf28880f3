"""Figures on the stored suggestions, to judge the ranking on a real catalog.

- Same director: of the films whose director made other films, how many of those other
  films are suggested, and how high (recall within all suggestions and within the first
  10; mean rank).
- Same series: the same for films of one series.
- Franchises: the same for a list of franchises written by hand (by catalog ids), which
  tells how the ranking does on a catalog that names no series: recall of franchise mates
  within the first 10, and the share of films with at least one mate there.
- Sanity: films suggesting themselves or the same film twice (must be 0), and coverage.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from statistics import mean

from films.catalog.models import Credit, Film
from recommendations.models import FilmRecommendations


@dataclass
class GroupRecall:
    films: int = 0
    expected: int = 0
    found: int = 0
    found_in_top10: int = 0
    top10_places: int = 0
    ranks: list | None = None

    def as_dict(self) -> dict:
        ranks = self.ranks or []
        return {
            "films": self.films,
            "recall": round(self.found / self.expected, 3) if self.expected else None,
            # Of the places the related films could take in the first 10.
            "recall_in_top10": (
                round(self.found_in_top10 / self.top10_places, 3) if self.top10_places else None
            ),
            "mean_rank": round(mean(ranks), 1) if ranks else None,
        }


def _group_recall(groups: dict, suggestions: dict) -> GroupRecall:
    result = GroupRecall(ranks=[])
    for film_id, related in groups.items():
        if not related or film_id not in suggestions:
            continue
        result.films += 1
        ranked = suggestions[film_id]
        position = {other: rank for rank, other in enumerate(ranked, start=1)}
        result.expected += len(related)
        result.top10_places += min(10, len(related))
        for other in related:
            if other in position:
                result.found += 1
                result.ranks.append(position[other])
                if position[other] <= 10:
                    result.found_in_top10 += 1
    return result


def franchise_report(franchises: list[dict], suggestions: dict) -> dict:
    """Recall of franchise mates in the first 10 suggestions, over the films of a
    hand-made list present in the catalog. `franchises`: [{"name", "films": [{"id"}]}]."""
    ids = dict(Film.objects.values_list("external_id", "id"))
    mates, names = {}, {}
    for franchise in franchises:
        films = {ids[film["id"]] for film in franchise["films"] if film["id"] in ids}
        for film in films:
            mates[film] = films - {film}
            names[film] = franchise["name"]
    recall = _group_recall(mates, suggestions)
    with_a_mate = [
        film
        for film, others in mates.items()
        if others and film in suggestions and others & set(suggestions[film][:10])
    ]
    # The franchises that lose most places, to see where the ranking fails.
    missed = defaultdict(int)
    for film, others in mates.items():
        places = min(10, len(others))
        missed[names[film]] += places - len(others & set(suggestions.get(film, [])[:10]))
    return {
        "franchises": len(franchises),
        **recall.as_dict(),
        "films_with_a_mate_in_top10": (
            round(len(with_a_mate) / recall.films, 3) if recall.films else None
        ),
        "most_missed": dict(
            sorted(((n, m) for n, m in missed.items() if m), key=lambda x: -x[1])[:10]
        ),
    }


def read_franchises(path) -> list[dict]:
    with open(path, encoding="utf-8") as file:
        return json.load(file)["franchises"]


def evaluate(franchises: list[dict] | None = None) -> dict:
    suggestions = {
        film_id: [s["id"] for s in stored]
        for film_id, stored in FilmRecommendations.objects.values_list("film_id", "suggestions")
    }
    directors = defaultdict(set)
    for film_id, person_id in Credit.objects.filter(role=Credit.Role.DIRECTOR).values_list(
        "film_id", "person_id"
    ):
        directors[person_id].add(film_id)
    same_director = defaultdict(set)
    for films in directors.values():
        for film_id in films:
            same_director[film_id] |= films - {film_id}
    series = defaultdict(set)
    for film_id, name in Film.objects.exclude(series="").values_list("id", "series"):
        series[name].add(film_id)
    same_series = {f: films - {f} for films in series.values() for f in films}

    self_suggestions = sum(1 for f, ranked in suggestions.items() if f in ranked)
    # Another record of the same film (same title and year) suggested as similar.
    title_year = dict(
        ((film_id, (title.casefold(), year)))
        for film_id, title, year in Film.objects.values_list("id", "title", "year")
    )
    same_title_and_year = sum(
        1
        for f, ranked in suggestions.items()
        for other in ranked
        if title_year.get(other) == title_year.get(f)
    )
    duplicates = sum(1 for ranked in suggestions.values() if len(ranked) != len(set(ranked)))
    counts = [len(ranked) for ranked in suggestions.values()]
    return {
        "films": len(suggestions),
        "with_suggestions": sum(1 for c in counts if c),
        "mean_suggestions": round(mean(counts), 1) if counts else 0,
        "self_suggestions": self_suggestions,
        "films_with_a_duplicate_suggestion": duplicates,
        "suggestions_with_the_same_title_and_year": same_title_and_year,
        "same_director": _group_recall(same_director, suggestions).as_dict(),
        "same_series": _group_recall(same_series, suggestions).as_dict(),
        **({"franchises": franchise_report(franchises, suggestions)} if franchises else {}),
    }
