from django import template
from django.utils.formats import number_format
from django.utils.html import format_html_join

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
def links(objects) -> str:
    """People, genres, themes or countries as links to their pages, comma-separated."""
    return format_html_join(
        ", ", '<a href="{}">{}</a>', ((o.get_absolute_url(), o) for o in objects)
    )


@register.filter
def decade(year: int) -> int:
    return year - year % 10
