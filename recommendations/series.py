"""Series for the engine: the catalog's, and those inferred from titles (a title group's
films linked into franchises by what they share: recommendations.franchises,
weights.title_series_confirmed). A part of ArrayIndex (recommendations.engine)."""

from collections import defaultdict

import numpy as np

from recommendations import weights
from recommendations.franchises import TitleMates
from recommendations.kinds import GENRE, INFERRED_SERIES, NO_YEAR, PEOPLE, SERIES, THEME
from recommendations.postings import FeatureKind, ranges


class SeriesLinks:
    """The methods of ArrayIndex that find a film's series."""

    # What they read of ArrayIndex.
    ids: np.ndarray
    year: np.ndarray
    series: np.ndarray
    kinds: dict[str, FeatureKind]
    titles: TitleMates
    _components: dict

    def _franchise(self, film) -> dict[int, str]:
        """{row: series name} of the films of the film's inferred series: title mates
        linked to it by confirmed pairs (weights.title_series_confirmed), directly or
        through other films of the same title group."""
        film_id = int(self.ids[film])
        found: dict[int, str] = {}
        for group, members in self.titles.groups_of(film_id):
            if group not in self._components:
                self._components[group] = self._linked(members)
            franchises = self._components[group]
            mine = franchises.get(film_id)
            for member, theirs in franchises.items() if mine else ():
                if theirs == mine and member != film_id:
                    found.setdefault(int(np.searchsorted(self.ids, member)), mine[1])
        return found

    def _linked(self, members: dict) -> dict[int, tuple[int, str]]:
        """{member id: (franchise, name)} of a title group: members of one franchise are
        linked by confirmed pairs (weights.title_series_confirmed), directly or through
        other members."""
        films = sorted(members)
        rows = np.searchsorted(self.ids, films)
        one_word = " " not in self.titles.stem_of(members)
        shared = {}
        for what, kinds in (("people", PEOPLE), ("themes", (THEME,)), ("genres", (GENRE,))):
            having = self._having(rows, kinds)
            shared[what] = having @ having.T  # features each pair has in common
            if what == "people" and not self.titles.may_link_without_people(members):
                if shared["people"].sum() == np.trace(shared["people"]):
                    return {}  # most groups: no two films share anyone
        confirmed = weights.title_series_confirmed(
            self.titles.strengths(members, films),
            one_word=one_word,
            people=shared["people"],
            themes=shared["themes"],
            shared_genres=shared["genres"],
            genres=np.broadcast_arrays(
                np.diag(shared["genres"])[:, None], np.diag(shared["genres"])[None, :]
            ),
        )
        parent = list(range(len(films)))

        def root(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i, j in zip(*np.nonzero(np.triu(confirmed, 1)), strict=True):
            parent[root(int(i))] = root(int(j))
        franchises = defaultdict(list)
        for i in {int(i) for i in np.nonzero(confirmed.any(axis=1))[0]}:
            franchises[root(i)].append(i)
        named = {}  # films of no franchise are left out
        for number, indexes in enumerate(franchises.values()):
            # Oldest first: a franchise is named as its first films are.
            indexes.sort(
                key=lambda i: (self.year[rows[i]] == NO_YEAR, self.year[rows[i]], films[i])
            )
            name = self.titles.name(members, [films[i] for i in indexes])
            for i in indexes:
                named[films[i]] = (number, name)
        return named

    def _having(self, rows: np.ndarray, kinds) -> np.ndarray:
        """A matrix of which of these films have which features of these kinds (a person
        in any role once)."""
        owner_parts, feature_parts = [], []
        for kind in kinds:
            postings = self.kinds[kind]
            mine, positions = ranges(postings.film_ptr[rows], postings.film_ptr[rows + 1])
            owner_parts.append(mine)
            feature_parts.append(postings.ids[postings.film_features[positions]])
        owners, features = np.concatenate(owner_parts), np.concatenate(feature_parts)
        codes = np.unique(features, return_inverse=True)[1].reshape(-1)
        having = np.zeros((len(rows), codes.max(initial=-1) + 1), dtype=np.int32)
        having[owners, codes] = 1
        return having

    def _series(self, film, candidates, franchise) -> tuple[np.ndarray, np.ndarray]:
        """Candidates of the film's series as the catalog gives it, and candidates of a
        series inferred from the titles (_franchise)."""
        n = len(candidates)
        mine = int(self.series[film])
        theirs = self.series[candidates]
        series = (theirs == mine) if mine >= 0 else np.zeros(n, dtype=bool)
        inferred = np.zeros(n, dtype=bool)
        if franchise:
            inferred[np.searchsorted(candidates, sorted(franchise))] = True
            # A series the catalog gives always wins: two films of two named series are
            # not one franchise, whatever their titles.
            inferred &= ~series & ~((theirs >= 0) & (mine >= 0))
        return series, inferred


def series_reason(candidates, row, series, inferred, franchise) -> dict:
    if series[row]:
        return {SERIES: True}
    if inferred[row]:
        return {INFERRED_SERIES: franchise[int(candidates[row])]}
    return {}
