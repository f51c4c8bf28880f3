"""Namesakes: two people of one name taken for one, whose films should not suggest each other
(weights.NAMESAKE_GAP_YEARS). A part of ArrayIndex (recommendations.engine)."""

from itertools import pairwise

import numpy as np

from recommendations import weights
from recommendations.kinds import NO_YEAR, PEOPLE
from recommendations.postings import FeatureKind, pointers


class Namesakes:
    """The methods of ArrayIndex that drop suggestions made through a namesake."""

    # What they read of ArrayIndex.
    year: np.ndarray
    kinds: dict[str, FeatureKind]

    def _drop_namesakes(self, film, candidates, score, people, besides_people, spared):
        """A suggestion made by one shared writer or actor alone, across a gap of years in
        which that person has no film at all, is most likely two people of one name
        (weights.NAMESAKE_GAP_YEARS): its score goes to 0. `spared`: series, and films of
        a shared director."""
        year = int(self.year[film])
        if year == NO_YEAR:
            return
        rows, person_ids = people
        limit = weights.MAX_SUGGESTIONS
        alone = np.bincount(rows, minlength=len(candidates)) == 1
        suspects = np.nonzero(
            alone
            & (score >= weights.MIN_SCORE)
            & ~spared
            & (besides_people < weights.NAMESAKE_OTHER_EVIDENCE)
            & (np.abs(self.year[candidates] - year) >= weights.NAMESAKE_GAP_YEARS)
            & (self.year[candidates] != NO_YEAR)
        )[0]
        if not len(suspects):
            return
        person_of = dict(zip(rows.tolist(), person_ids.tolist(), strict=True))
        # Only suspects that would be stored are looked at; dropping one lets another in.
        looked_at = np.zeros(len(candidates), dtype=bool)
        while True:
            kept = score[score >= weights.MIN_SCORE]
            cut = (
                np.partition(kept, len(kept) - limit)[len(kept) - limit]
                if len(kept) > limit
                else weights.MIN_SCORE
            )
            suspects = suspects[~looked_at[suspects]]
            now = suspects[score[suspects] >= cut]
            if not len(now):
                return
            looked_at[now] = True
            for row in now.tolist():
                other = int(self.year[candidates[row]])
                low, high = min(year, other), max(year, other)
                years = [y for y in self._credit_years(person_of[row]).tolist() if low <= y <= high]
                gaps = (b - a for a, b in pairwise(years))
                if max(gaps, default=0) >= weights.NAMESAKE_GAP_YEARS:
                    score[row] = 0.0

    def _credit_years(self, person_id: int) -> np.ndarray:
        """The distinct years of a person's films, in every role, sorted."""
        at = int(np.searchsorted(self._people, person_id))
        return self._people_years[self._people_ptr[at] : self._people_ptr[at + 1]]

    def _index_credit_years(self) -> None:
        """Every person's distinct film years, as sparse rows (for _credit_years)."""
        people_parts, year_parts = [], []
        for kind in PEOPLE:
            postings = self.kinds[kind]
            people_parts.append(np.repeat(postings.ids, postings.frequency_here))
            year_parts.append(self.year[postings.feature_films])
        people, years = np.concatenate(people_parts), np.concatenate(year_parts)
        dated = years != NO_YEAR
        people, years = people[dated], years[dated]
        order = np.lexsort((years, people))
        people, years = people[order], years[order]
        first = np.ones(len(people), dtype=bool)
        first[1:] = (people[1:] != people[:-1]) | (years[1:] != years[:-1])
        people, self._people_years = people[first], years[first]
        self._people, codes = np.unique(people, return_inverse=True)
        self._people_ptr = pointers(codes.reshape(-1), len(self._people))
