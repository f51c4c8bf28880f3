from django import template
from django.utils.formats import number_format

register = template.Library()


@register.inclusion_tag("includes/rating.html")
def rating(film, heading_level=None):
    """A film's rating as a percentage and stars out of 5, with its vote count;
    nothing when nobody has rated it."""
    if not film.rating_count or film.rating_average is None:
        return {"rated": False}
    average = float(film.rating_average)
    return {
        "rated": True,
        "percent": round(average * 20),
        "average": number_format(round(average, 1), 1),
        "count": film.rating_count,
    }


@register.filter
def names(people) -> str:
    return ", ".join(str(person) for person in people)
