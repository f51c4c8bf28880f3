"""Franchises read from titles, for the many catalogs that name no series.

"Alien", "Aliens", "Alien 3" and "Alien: Covenant" reduce to one *stem* ("alien"): the
title folded as search folds it, without a leading article, a subtitle after a colon or a
dash, numbers and roman numerals at the end ("Part II", "3D", "Eleven"), or plural "s".
Films of one stem are *close* title mates ("Toy Story 3" and "Toy Story"). A film whose
whole title starts with another's stem is a *loose* title mate ("Alien Resurrection",
"Halloween H20: 20 Years Later", "Dumb and Dumberer" after "Dumb and Dumber"), or ends
with it ("Revenge of the Pink Panther", "Escape from the Planet of the Apes"); so are two
titles that both go on from one stem ("Godzilla vs. Gigan", "King Kong vs. Godzilla").

A title alone proves nothing ("Halloween Party" is not a Halloween film), so the engine
makes title mates a series only when they share something else as well
(`recommendations.weights.title_series_confirmed`), directly or through other films of the
group: "Rise of the Planet of the Apes" shares no one with the 1968 film, but its sequel
does with the 2001 remake, which does with the original.
"""

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from films.catalog.text import searchable

# How two films of a title group are mates: both of its stem; one of the stem and one
# going on from it; both going on from it.
CLOSE, LOOSE, SIBLINGS = 1, 2, 3
# A stem of this many words names one thing ("Dumb and Dumber"): a title going on from it is
# as close as a sequel's; one ending with it, from one more word ("Rise of the Planet of the
# Apes"; "Bring It On: All or Nothing" is not a sequel of "All or Nothing").
LONG_STEM_WORDS = 3
# How a film is in a group whose stem is not its own (a stem never starts with a space).
GOES_ON, ENDS = " >", " <"

# A subtitle follows a colon, or a dash between spaces: "Star Wars: Episode IV – A New Hope".
SUBTITLE = re.compile(r"\s*:\s+|\s+[-\u2013\u2014]\s+")
# Leading articles of the catalog's usual languages; not "die", as in "Die Hard".
ARTICLES = frozenset("the a an le la les l un une der das ein eine el los las il lo gli".split())
# Roman numerals from II; a lone "X" is a letter more often ("Malcolm X", "Fear X").
ROMAN = re.compile(r"^(?=[ivxl])(?!i$|x$)l?x{0,3}(ix|iv|v?i{0,3})$")
# Only after "Part": "The Magnificent Seven" and "Fantastic Four" are whole titles.
NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten".split())
SEQUEL_WORDS = frozenset("part chapter episode vol volume partie chapitre teil".split())
# A stem this short ("it", "up") says too little to find mates by prefix.
MIN_PREFIX_LENGTH = 4
# A sequel's number is small: "Apollo 13", "Cell 211" and "Blade Runner 2049" keep theirs
# (a title that goes on from "Blade Runner" is still a loose mate of it).
MOST_SEQUELS = 10


def _is_number(token: str) -> bool:
    return (
        (token.isdigit() and int(token) <= MOST_SEQUELS)
        or (token[:-1].isdigit() and token[-1] == "d")  # "Step Up 3D"
        or bool(ROMAN.match(token))
    )


def _singular(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _words(text: str) -> list[str]:
    words = searchable(text.replace("&", " and ")).split()
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return words


def _without_numbers(words: list[str]) -> list[str]:
    """Numbers and "Part II" or "Part Two" off the end, but never the whole title ("1917",
    "Part 2")."""
    while len(words) > 1:
        if len(words) > 2 and words[-2] in SEQUEL_WORDS and words[-1] in NUMBER_WORDS:
            words = words[:-2]
        elif _is_number(words[-1]):
            words = words[:-1]
            if len(words) > 1 and words[-1] in SEQUEL_WORDS:
                words = words[:-1]
        else:
            break
    return words


@dataclass(frozen=True, slots=True)
class TitleStem:
    stem: str  # what close mates share
    whole: str  # the whole title, folded the same way: what a loose mate starts with
    exact: str  # the title folded, without article or plurals: a remake's is the same
    name: str  # the stem as the title writes it, to name the series: "Toy Story"
    title: str  # the title itself
    # May the stem begin other titles? Not a one-word head cut from a subtitle:
    # "Mission: Impossible" is no prefix of "Mission to Mars".
    prefixes: bool
    # A one-word head cut from a subtitle: "Mission: Impossible" and "The Mission" are not
    # as close as "Rocky" and "Rocky II".
    cut: bool = False


def title_stem(title: str) -> TitleStem | None:
    head, *subtitle = SUBTITLE.split(title.strip(), maxsplit=1)
    head_words = _words(head)
    words = _without_numbers(head_words)
    if not words:
        return None
    # The same words in the title's own spelling, for the name.
    original = head.split()
    kept = len(original) - (len(head_words) - len(words))
    name = " ".join(original[:kept]).strip(" ,:;-.") or head
    stem = " ".join(_singular(w) for w in words)
    rest = _words(subtitle[0]) if subtitle else []
    whole = " ".join(_singular(w) for w in _without_numbers(words + rest))
    return TitleStem(
        stem=stem,
        whole=whole,
        # "Boys" and "The Boys", "Fallen Angel" and "Fallen Angels" are the same title.
        exact=" ".join(_singular(w) for w in head_words + rest),
        name=name,
        title=title,
        prefixes=len(stem) >= MIN_PREFIX_LENGTH and (not subtitle or len(words) > 1),
        cut=bool(subtitle) and len(words) == 1,
    )


def title_stems(title: str, original_title: str = "") -> list[TitleStem]:
    stems = [title_stem(title)]
    if original_title and original_title != title:
        stems.append(title_stem(original_title))
    unique = {s.stem + "\0" + s.whole: s for s in stems if s is not None}
    return list(unique.values())


# Words no stem starts with, left out of the search for a film's title mates: a stem loses
# its leading article, and "of", "and"... begin no franchise.
NOT_FIRST = ARTICLES | frozenset("of and in on to for from with at by vs v de du des et".split())


def search_words(title: str, original_title: str = "") -> set[str]:
    """Words of which a film's title mates hold one, as search folds titles
    (`films.catalog.text.searchable`): the stem of any title group the film is in starts with a
    word of its title (and a plural starts with its singular), so a search for these finds
    every title mate, and more. Short words ("s" of a possessive) only where a stem starts
    with them."""
    stems = title_stems(title, original_title)
    firsts = {stem.stem.split()[0] for stem in stems}
    return firsts | {
        word
        for stem in stems
        for word in stem.whole.split()
        if word not in NOT_FIRST and len(word) > 2
    }


def series_name(titles: list[str]) -> str:
    """The words that titles of one stem start with, as the oldest title writes them:
    "Mission: Impossible" of "Mission: Impossible", "Mission: Impossible III" and "Mission:
    Impossible – Ghost Protocol"; "Star Trek" of "Star Trek" and "Star Trek II: The Wrath of
    Khan"; "" when they share no word ("Alien", "Aliens")."""
    first, *others = [title.split() for title in titles]
    common = 0
    while common < len(first) and all(
        len(other) > common and searchable(other[common]) == searchable(first[common])
        for other in others
    ):
        common += 1
    words = first[:common]
    while words and (_is_number(searchable(words[-1])) or searchable(words[-1]) in SEQUEL_WORDS):
        words.pop()
    return " ".join(words).strip(" ,:;-.\u2013\u2014")


class TitleMates:
    """The title mates of every film of a list, by film id.

    Each stem that some film's title reduces to gathers a group: the films of that stem
    (close mates of one another) and, where the stem may begin other titles, the films
    whose title goes on from it or ends with it (loose mates of all the group): "Godzilla"
    gathers "Godzilla Raids Again", "Godzilla vs. Gigan" and "King Kong vs. Godzilla".
    Groups are found by sorting and hashing, never by comparing all pairs.
    """

    def __init__(self, ids, titles, original_titles, most: int):
        """`most`: a group larger than this is a common word, not a franchise ("Love")."""
        self._stems = {
            film: title_stems(title, original)
            for film, title, original in zip(ids, titles, original_titles, strict=True)
        }
        by_stem = defaultdict(list)
        wholes = []
        for film, stems in self._stems.items():
            for stem in stems:
                by_stem[stem.stem].append(film)
                wholes.append((stem.whole, film))
        wholes.sort()
        keys = [whole for whole, _ in wholes]
        anchors = {stem.stem for stems in self._stems.values() for stem in stems if stem.prefixes}
        # Titles that end with an anchor: "revenge of the pink panther", "pink panther".
        ending_with = defaultdict(set)
        last_words = {anchor.rsplit(" ", 1)[-1] for anchor in anchors}
        for whole, film in wholes:
            words = whole.split()
            if words[-1] not in last_words:
                continue
            for first in range(1, len(words)):
                suffix = " ".join(words[first:])
                if suffix in anchors:
                    ending_with[suffix].add(film)
        # {film: its stem in the group, or GOES_ON from it, or ENDS with it}
        self.groups = []
        self._groups_of = defaultdict(list)
        for stem, films in by_stem.items():
            members = dict.fromkeys(films, stem)
            if stem in anchors:
                start = bisect.bisect_left(keys, stem)
                end = bisect.bisect_left(keys, stem + "\uffff", lo=start)
                for whole, film in wholes[start:end]:
                    if _continues(whole, stem):
                        members.setdefault(film, GOES_ON)
                for film in ending_with.get(stem, ()):
                    members.setdefault(film, ENDS)
            if 1 < len(members) <= most:
                self.groups.append(members)
                for film in members:
                    self._groups_of[film].append(len(self.groups) - 1)
        # Kept for the films of a group only: most films are in none.
        self._stems = {film: self._stems[film] for film in self._groups_of}

    def groups_of(self, film) -> list[tuple[int, dict]]:
        """The groups of a film: (number, {member id: its stem, GOES_ON or ENDS}), the group
        of its own stem first, then the longer stems first, whatever the order of the
        films given."""
        groups = [(group, self.groups[group]) for group in self._groups_of.get(film, ())]
        return sorted(
            groups,
            key=lambda g: (
                not self.of_stem(g[1], film),
                -len(self.stem_of(g[1])),
                self.stem_of(g[1]),
            ),
        )

    @staticmethod
    def of_stem(members: dict, film) -> bool:
        """Is the group's stem the film's own (not one its title goes on from)?"""
        return members[film] not in (GOES_ON, ENDS)

    def strengths(self, members: dict, films: list) -> np.ndarray:
        """How each pair of `films` of a group are mates, as a matrix (0: not mates):

        - CLOSE when both have the group's stem and their titles differ (the very same title
          is a remake's or a namesake's, and a one-word head cut from its subtitle is no
          proof: LOOSE);
        - when one has the stem: LOOSE if the other's title goes on from it (CLOSE if the
          stem is long) or ends with it (CLOSE if the stem is longer still; SIBLINGS if it
          is one word: "In the Electric Mist" and "The Mist");
        - when neither has it: SIBLINGS if the stem has several words ("Revenge of the Pink
          Panther", "Trail of the Pink Panther"); else not mates ("Late Spring" and "Early
          Spring" both end with "Spring").
        """
        stem = self.stem_of(members)
        words = len(stem.split())
        how = np.array([members[film] for film in films], dtype=object)
        own = (how != GOES_ON) & (how != ENDS)
        ends = how == ENDS
        stems = [
            next(s for s in self._stems[film] if s.stem == stem or not mine)
            for film, mine in zip(films, own, strict=True)
        ]
        cut = np.array([o and s.cut for s, o in zip(stems, own, strict=True)])
        exact = np.unique([s.exact for s in stems], return_inverse=True)[1].reshape(-1)
        same_title = exact[:, None] == exact[None, :]
        both = own[:, None] & own[None, :]
        one = own[:, None] ^ own[None, :]
        other_ends = (own[:, None] & ends[None, :]) | (ends[:, None] & own[None, :])
        strength = np.zeros((len(films), len(films)), dtype=np.int8)
        strength[both] = CLOSE
        strength[both & (same_title | cut[:, None] | cut[None, :])] = LOOSE
        long = np.where(other_ends, words >= LONG_STEM_WORDS + 1, words >= LONG_STEM_WORDS)
        strength[one] = LOOSE
        strength[one & long] = CLOSE
        if words == 1:
            strength[one & other_ends] = SIBLINGS
        else:
            strength[~own[:, None] & ~own[None, :]] = SIBLINGS
        np.fill_diagonal(strength, 0)
        return strength

    def may_link_without_people(self, members: dict) -> bool:
        """Can two films of the group be one franchise without a person in common? Only
        close mates: two films of the stem, or one and a title going on from a long stem
        (strengths, weights.title_series_confirmed)."""
        own = sum(self.of_stem(members, film) for film in members)
        return own > 1 or len(self.stem_of(members).split()) >= LONG_STEM_WORDS

    @staticmethod
    def stem_of(members: dict) -> str:
        """A group's stem."""
        return next(m for m in members.values() if m not in (GOES_ON, ENDS))

    def name(self, members: dict, films: list) -> str:
        """The name of a franchise of `films` in a group: what the titles of its films of
        the group's stem start with ("Mission: Impossible"), or else the stem of the first
        of them ("Alien" for "Alien" and "Aliens"), or else of the first film."""
        own = [film for film in films if self.of_stem(members, film)]
        stems = [self._stems[film][0] for film in own or films]
        titles = [stem.title for stem in stems]
        return (series_name(titles) if own else "") or stems[0].name


def _continues(whole: str, prefix: str) -> bool:
    """Does a title go on from the prefix? "alien resurrection" from "alien", "dumb and
    dumberer" from "dumb and dumber"; one word must end where it does ("alienated" does not
    go on from "alien")."""
    if not whole.startswith(prefix) or whole == prefix:
        return False
    return whole[len(prefix)] == " " or " " in prefix
