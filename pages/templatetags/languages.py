"""The language switch and hreflang alternates: the same page in each of LANGUAGES."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict]:
    """{% language_versions as versions %}: one dict per language of the site, with
    `code`, `name` (in its own language), `url` (this page, query string kept),
    `absolute_url` and `current`."""
    request = context.get("request")
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    path = request.get_full_path() if request else "/"
    versions = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        versions.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "absolute_url": request.build_absolute_uri(url) if request else url,
                "current": code == current,
            }
        )
    return versions
