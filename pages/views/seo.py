"""robots.txt, and the sitemaps (django.contrib.sitemaps views, pages/sitemaps.py) cached
under one key a page."""

import functools
import re

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from pages.sitemaps import SITEMAP_CACHE_SECONDS


def disallowed_paths() -> list[str]:
    # Search results are endless, thin and noindex anyway: crawling them wastes the
    # crawler's visits. The JSON suggestions live under /search/ too. In every language.
    paths = ["/admin/"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            search = reverse("films:search")
        if search not in paths:
            paths.append(search)
    return paths


@require_safe
def robots_txt(request):
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in disallowed_paths()]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# The headers of a sitemap worth keeping with its content (Django's view sets them).
SITEMAP_HEADERS = ("Content-Type", "X-Robots-Tag", "Last-Modified")


def sitemap_cached(view):
    """A sitemap view cached under one key per section and page, whatever else the request
    carries: a random query string or Accept-Language cannot make it render again (each
    render of a page of 50,000 URLs takes seconds and megabytes). Rendered in the default
    language, as crawlers are sent its URLs."""

    @functools.wraps(view)
    @require_safe
    def wrapper(request, **kwargs):
        page = request.GET.get("p", "1")
        if not re.fullmatch(r"[0-9]{1,9}", page):
            raise Http404("No such page.")
        key = ":".join(
            ["sitemap", view.__name__, kwargs.get("section", ""), str(int(page)),
             request.scheme, request.get_host()]
        )  # fmt: skip
        stored = cache.get(key)
        if stored is None:
            request.GET = QueryDict(f"p={int(page)}")  # all the view may read
            with translation.override(settings.LANGUAGE_CODE):
                response = view(request, **kwargs)
                response.render()
            if response.status_code != 200:
                return response
            headers = {
                name: response[name] for name in SITEMAP_HEADERS if response.has_header(name)
            }
            stored = (response.content, headers)
            cache.set(key, stored, SITEMAP_CACHE_SECONDS)
        content, headers = stored
        return HttpResponse(content, headers=headers)

    return wrapper
