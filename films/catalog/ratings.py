"""How a film's displayed rating is made from the catalog's figure and the site's votes.

The catalog brings an average and a count (on 0-5); visitors add 1-5 star votes. The
displayed average weighs each side by its number of votes. Sorting "by rating" uses a
Bayesian average that pulls films with few votes towards a neutral prior, so that one
5-star vote does not beat a thousand 4-star votes.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# The prior: as if every film had PRIOR_VOTES votes of PRIOR_MEAN stars. 3.0 is the middle
# of the 1-5 scale visitors use; 10 votes is enough to stop a handful of votes from
# reaching the top, and small next to the hundreds a known film has.
PRIOR_MEAN = 3.0
PRIOR_VOTES = 10


@dataclass(frozen=True)
class CombinedRating:
    average: Decimal | None
    count: int
    rank: float
    renown: float


def renown(rank: float, count: int) -> float:
    """How well known and well liked a film is, to rank films that match a search alike
    ("star wars"): many ratings, and good ones. By count alone, the prequels, more reviewed
    online, would come before Episode IV; by rating alone, a gem before the classic."""
    return rank * math.log1p(count)


def combine_ratings(
    *, catalog_average: Decimal | float | None, catalog_count: int, votes_sum: int, votes_count: int
) -> CombinedRating:
    catalog_total = float(catalog_average) * catalog_count if catalog_average is not None else 0.0
    catalog_count = catalog_count if catalog_average is not None else 0
    count = catalog_count + votes_count
    total = catalog_total + votes_sum
    average = None
    if count:
        average = Decimal(total / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    rank = (PRIOR_MEAN * PRIOR_VOTES + total) / (PRIOR_VOTES + count)
    return CombinedRating(average=average, count=count, rank=rank, renown=renown(rank, count))


def apply_combined_rating(film) -> None:
    """Set the film's displayed figures from its catalog rating and votes (not saved)."""
    combined = combine_ratings(
        catalog_average=film.catalog_rating_average,
        catalog_count=film.catalog_rating_count,
        votes_sum=film.votes_sum,
        votes_count=film.votes_count,
    )
    film.rating_average = combined.average
    film.rating_count = combined.count
    film.rating_rank = combined.rank
    film.renown = combined.renown
