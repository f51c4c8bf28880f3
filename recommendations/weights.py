"""Every weight and rule of the similar-films ranking, in one place, with why.

A shared feature adds `weight x idf`, where idf = ln(films in catalog / films having it):
a director with 10 films in 17,000 gives idf 7.4, "Drama" (40% of films) gives 0.9. Each
kind's total is capped so that no single kind (a huge shared cast, say) drowns the others.
"""

import numpy as np

from recommendations.franchises import CLOSE, LOOSE, SIBLINGS

# Films of the same series or franchise come first, whatever else they share; among them,
# the nearest in time first (a long series fills the first page with its neighbours).
SERIES_BONUS = 100.0

# Most catalogs name no series, so franchises are also read from titles
# (recommendations/franchises.py): "Toy Story 3" is a close title mate of "Toy Story", "Alien
# Resurrection" and "Revenge of the Pink Panther" loose ones of "Alien" and "The Pink
# Panther". A title is no proof ("Halloween Party" is not a Halloween film), so the two
# films must share something else too.
# A title group larger than this is a common word, not a franchise ("Love ..."): the largest
# franchises hold about 35 films (Godzilla, Carry On).
MAX_TITLE_MATES = 60


def title_series_confirmed(strength, *, one_word, people, themes, shared_genres, genres):
    """Which pairs of title mates are one franchise? Numpy arrays, one value a pair:
    `strength`, how their titles relate (recommendations.franchises; 0: not mates);
    `people` and `themes`, how many they share; `genres`, how many each has (a pair of
    arrays). `one_word`: is the stem one word. Genres agree when the two share more than
    half of the shorter list; for a one-word stem, two of them at least where both have two.

    - Close mates ("Toy Story 3") must share a person, a theme, or agreeing genres; of a
      one-word stem ("Alien 3", but also "Super 8" and "Super"), a person or a theme.
    - Loose mates ("Alien Resurrection", or the very same title: a remake or a namesake)
      must share a person and agreeing genres ("Alien Autopsy" shares one actor's cameo and
      one genre of two with "Alien"), or two people and a genre.
    - Siblings ("Revenge of the Pink Panther" and "Trail of the Pink Panther", both ending
      with "Pink Panther") must share two people and agreeing genres: "Star Wars" and "Star
      Trek" both go on from "Star!".
    """
    fewer = np.minimum(*genres)
    agree = (shared_genres * 2 > fewer) | (fewer == 0)
    if one_word:
        agree &= (fewer < 2) | (shared_genres >= 2)
    close = (people > 0) | (themes > 0) | ((fewer > 0) & agree & (not one_word))
    loose = ((people > 0) & agree) | ((people >= 2) & ((shared_genres > 0) | (fewer == 0)))
    siblings = (people >= 2) & agree
    return (
        ((strength == CLOSE) & close)
        | ((strength == LOOSE) & loose)
        | ((strength == SIBLINGS) & siblings)
    )


# A shared director is the strongest sign of a similar film: style, themes, period.
DIRECTOR_WEIGHT = 1.0
DIRECTOR_CAP = 12.0

# Writers shape a story as much as directors do, but credits are noisier (adaptations).
WRITER_WEIGHT = 0.5
WRITER_CAP = 6.0

# Actors: lead roles say more than small parts. Billing position -> factor.
ACTOR_WEIGHT = 0.6
ACTOR_CAP = 10.0
LEAD_ACTOR_FACTORS = ((3, 1.0), (6, 0.7))  # positions 0-2: 1.0, 3-5: 0.7
SUPPORTING_ACTOR_FACTOR = 0.4
# When the source does not give billing order we cannot tell leads from extras.
UNORDERED_ACTOR_FACTOR = 0.6

# Genres are broad: they refine a ranking more than they make a suggestion.
GENRE_WEIGHT = 0.5
GENRE_CAP = 2.5
# Exactly the same set of genres is a feature of its own, weighted by how rare that set is.
SAME_GENRES_WEIGHT = 0.4
SAME_GENRES_CAP = 2.5

# Themes are more specific than genres ("alcoholism"), so each weighs more.
THEME_WEIGHT = 0.8
THEME_CAP = 8.0
SAME_THEMES_WEIGHT = 0.6
SAME_THEMES_CAP = 4.0

# Without ids for people (many catalogs, the demo one included), two people of one name are
# one person. A suggestion made by one shared writer or actor alone, with nothing else in
# common (a broad genre at most: less than this much of the score) ...
NAMESAKE_OTHER_EVIDENCE = 1.0
# ... across a gap of this many years in which that person has no film at all, is taken
# for two people of one name and dropped. A working life seldom has such a hole; a
# namesake's films start on the far side of it. Directors are spared: two directors of one
# name are rare, and some great ones paused for decades (Terrence Malick, 1978 to 1998).
NAMESAKE_GAP_YEARS = 8

# The first page of suggestions (the film page shows this many) mixes its reasons: outside
# a series, at most this many of it come through one person: the director the two films
# share, or else the one person they share, so that a director's other films do not hide
# the films of the cast. The next place goes to the best film linked by something else;
# the full list keeps every suggestion, in score order after. Films sharing several
# actors or writers are not held back: a franchise with no series named shares its
# regulars under many directors (the James Bond films).
FIRST_PAGE = 10
MOST_FROM_ONE_PERSON = FIRST_PAGE // 2

# Below this a film is not a suggestion: sharing only "Drama" scores 0.45, sharing one
# supporting actor of 200 films about 1.0; one shared director or lead actor passes.
MIN_SCORE = 3.0
MAX_SUGGESTIONS = 70

# Features held by more films than this do not generate candidates (they still add to the
# score of candidates found through rarer features): iterating the 120,000 films that share
# "Drama" for every drama is the all-pairs pass we must avoid at 300,000 films.
MAX_GENERATOR_FILMS = 2000


def actor_factor(position: int, in_billing_order: bool) -> float:
    if not in_billing_order:
        return UNORDERED_ACTOR_FACTOR
    for below, factor in LEAD_ACTOR_FACTORS:
        if position < below:
            return factor
    return SUPPORTING_ACTOR_FACTOR
