"""The kinds of what films share, as the engine and the stored reasons name them."""

# Kinds of shared features, as they appear in stored reasons.
DIRECTOR, WRITER, ACTOR, GENRE, THEME, SERIES = (
    "directors",
    "writers",
    "actors",
    "genres",
    "themes",
    "series",
)
# A series inferred from titles (recommendations.franchises): its name.
INFERRED_SERIES = "inferred_series"
PEOPLE = (DIRECTOR, WRITER, ACTOR)
# A film without a year sorts after every film of its series by distance in time.
NO_YEAR = -1
