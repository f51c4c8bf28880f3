"""The visitor's own ratings (/ratings/): every film they rated, with their stars, to find
one again and change it. Recognised as for votes (films.community.visitors): the anonymous
cookie or their account. Never stored: it is the visitor's own.

Queries: the count and the page of films with the visitor's stars (one join), and the
facts of the cards not cached (pages.cards); none for a visitor without the cookie.
"""

from django.db.models import F
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from films.catalog.models import Film
from films.community.visitors import get_visitor
from pages.cards import add_card_bodies
from pages.filters import SORT_CHOICES, SORTS
from pages.views.common import chosen_sort, paginate

# The list's orders: the most recently rated first, by the visitor's stars, and the
# catalog lists' (pages.filters).
RATINGS_SORTS = {
    "rated": ("-rated_at", "-id"),
    "stars": ("-own_stars", "-rated_at", "-id"),
    **SORTS,
}
RATINGS_SORT_CHOICES = [
    ("rated", gettext_lazy("Recently rated")),
    ("stars", gettext_lazy("Your stars")),
    *SORT_CHOICES,
]


@never_cache
def ratings(request):
    key = get_visitor(request).key
    ctx = {"page": None, **chosen_sort(request, RATINGS_SORT_CHOICES, "rated")}
    if key is not None:
        # The join to the visitor's votes chooses the films and gives each their stars.
        films = Film.objects.filter(votes__visitor=key).annotate(
            own_stars=F("votes__stars"), rated_at=F("votes__updated_at")
        )
        page = paginate(request, films.order_by(*RATINGS_SORTS[ctx["sort"]]), shrinking=True)
        page.object_list = list(page.object_list)
        add_card_bodies(page.object_list)
        ctx["page"] = page
    return render(request, "films/ratings.html", ctx)
