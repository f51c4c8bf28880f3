"""Every weight of the similar-films ranking, in one place, with why.

A shared feature adds `weight x idf`, where idf = ln(films in catalog / films having it):
a director with 10 films in 17,000 gives idf 7.4, "Drama" (40% of films) gives 0.9. Each
kind's total is capped so that no single kind (a huge shared cast, say) drowns the others.
"""

# Films of the same series or franchise come first, whatever else they share.
SERIES_BONUS = 100.0

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
