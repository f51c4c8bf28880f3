"""The catalog as the engine holds it: for each kind of feature (directors, actors, genres,
themes), compressed sparse rows in both directions (a film's features are one slice of an
array, so are a feature's films), with bitsets for the longest postings; and the films of each
exact set of genres or themes."""

import numpy as np

from recommendations import weights

# Union counts over postings longer than this OR bitsets (one bit per film) rather than
# sorting the films: "Drama" is 40% of the catalog.
BITSET_POSTINGS = 4096

_popcount = getattr(np, "bitwise_count", None)  # numpy 2
_POPCOUNT_BYTES = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)


def bit_total(bits: np.ndarray) -> int:
    if _popcount is not None:
        return int(_popcount(bits).sum())
    return int(_POPCOUNT_BYTES[bits.view(np.uint8)].sum())


def ranges(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the slices starts[k]:ends[k] of an array: (k of each element, its position)."""
    lengths = ends - starts
    total = int(lengths.sum())
    owners = np.repeat(np.arange(len(starts)), lengths)
    if not total:
        return owners, np.zeros(0, dtype=np.int64)
    firsts = np.cumsum(lengths) - lengths
    positions = np.arange(total) - np.repeat(firsts - starts, lengths)
    return owners, positions


class FeatureKind:
    """One kind of feature (directors, actors, genres...): both directions as sparse rows.

    Features are numbered in the order of their database ids; films by their index in
    the catalog, which is also the order of their ids.
    """

    def __init__(
        self,
        films: int,
        film_index: np.ndarray,
        feature_ids: np.ndarray,
        total: int,
        frequencies: dict[int, int] | None = None,
    ):
        """`frequencies`: films having each feature in the whole catalog, where this index
        holds only part of it (by feature id); by default, counted here."""
        self.ids, codes = np.unique(feature_ids, return_inverse=True)
        codes = codes.astype(np.int64)
        by_film = np.lexsort((codes, film_index))
        self.film_ptr = pointers(film_index, films)
        self.film_features = codes[by_film]
        self.order = by_film  # where each (film, feature) pair came from, for positions
        by_feature = np.lexsort((film_index, codes))
        self.feature_ptr = pointers(codes, len(self.ids))
        self.feature_films = film_index[by_feature]
        # For each (feature, film) pair, where the same pair is among the film's features.
        film_position = np.empty(len(by_film), dtype=np.int64)
        film_position[by_film] = np.arange(len(by_film))
        self.film_position = film_position[by_feature]
        self.frequency_here = np.diff(self.feature_ptr)
        self.frequency = self.frequency_here.copy()
        for feature_id, frequency in (frequencies or {}).items():
            code = np.searchsorted(self.ids, feature_id)
            if code < len(self.ids) and self.ids[code] == feature_id:
                self.frequency[code] = frequency
        self.idf = np.log(total / np.maximum(self.frequency, 1))
        self.mean_per_film = len(codes) / max(films, 1)
        self._bitsets = {}
        self.mark = np.zeros(len(self.ids), dtype=bool)

    def of(self, film: int) -> np.ndarray:
        return self.film_features[self.film_ptr[film] : self.film_ptr[film + 1]]

    def films(self, feature: int) -> np.ndarray:
        return self.feature_films[self.feature_ptr[feature] : self.feature_ptr[feature + 1]]

    def union_size(self, features: np.ndarray, films: int) -> int:
        """Films having at least one of these features."""
        big = [f for f in features.tolist() if self.frequency[f] > BITSET_POSTINGS]
        small = [self.films(f) for f in features.tolist() if self.frequency[f] <= BITSET_POSTINGS]
        members = distinct(np.concatenate(small)) if small else np.zeros(0, dtype=np.int64)
        if not big:
            return len(members)
        bits = self._bitset(big[0], films).copy()
        for feature in big[1:]:
            bits |= self._bitset(feature, films)
        outside = ((bits[members >> 6] >> (members & 63).astype(np.uint64)) & 1) == 0
        return bit_total(bits) + int(np.count_nonzero(outside))

    def _bitset(self, feature: int, films: int) -> np.ndarray:
        if feature not in self._bitsets:
            bits = np.zeros((films + 63) // 64, dtype=np.uint64)
            members = self.films(feature)
            np.bitwise_or.at(bits, members >> 6, np.uint64(1) << (members & 63).astype(np.uint64))
            self._bitsets[feature] = bits
        return self._bitsets[feature]


def distinct(values: np.ndarray) -> np.ndarray:
    """np.unique for the small arrays of one film: sorting is faster than its hashing."""
    values = np.sort(values)
    if len(values) > 1:
        values = values[np.concatenate(([True], values[1:] != values[:-1]))]
    return values


def pointers(owners: np.ndarray, size: int) -> np.ndarray:
    starts = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(owners, minlength=size), out=starts[1:])
    return starts


class ExactSets:
    """Each film's exact set of genres (or themes), numbered: -1 for none."""

    def __init__(
        self,
        kind: FeatureKind,
        films: int,
        total: int,
        set_weights,
        frequencies: dict | None = None,
    ):
        """`frequencies`: films having exactly a set in the whole catalog, where this index
        holds only part of it (by the set's feature codes); by default, counted here."""
        codes, found = np.full(films, -1, dtype=np.int64), {}
        features = kind.film_features.tolist()
        film_ptr = kind.film_ptr.tolist()
        for film in range(films):
            start, end = film_ptr[film], film_ptr[film + 1]
            if start != end:
                codes[film] = found.setdefault(tuple(features[start:end]), len(found))
        self.code = codes
        members = np.nonzero(codes >= 0)[0]
        by_set = np.argsort(codes[members], kind="stable")
        self.ptr = pointers(codes[members], len(found))
        self.films_in = members[by_set]
        self.frequency = np.diff(self.ptr)
        for features, frequency in (frequencies or {}).items():
            if features in found:
                self.frequency[found[features]] = frequency
        self.idf = np.log(total / np.maximum(self.frequency, 1))
        # The most a candidate can score with exactly this set: may it pass on that alone?
        weight, cap, same_weight, same_cap = set_weights
        self.may_pass = np.zeros(len(found), dtype=bool)
        for features, code in found.items():
            shared = float(kind.idf[list(features)].sum())
            best = min(cap, weight * shared) + min(same_cap, same_weight * float(self.idf[code]))
            self.may_pass[code] = best >= weights.MIN_SCORE
        self._union_sizes = {}

    def films(self, code: int) -> np.ndarray:
        return self.films_in[self.ptr[code] : self.ptr[code + 1]]

    def union_size(self, code: int, kind: FeatureKind, films: int, features: np.ndarray) -> int:
        if code not in self._union_sizes:
            self._union_sizes[code] = kind.union_size(features, films)
        return self._union_sizes[code]


def columns(rows, dtypes) -> list[np.ndarray]:
    """Rows (tuples, as a values_list gives them, streamed or not) as one numpy array per
    column."""
    dtype = np.dtype([(f"c{i}", t) for i, t in enumerate(dtypes)])
    table = np.fromiter(rows, dtype=dtype)
    return [table[name] for name in dtype.names]
