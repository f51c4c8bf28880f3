"""robots.txt, and the sitemaps (django.contrib.sitemaps views, pages/sitemaps.py) cached
under one key a page, rendered ahead by `manage.py write_sitemaps`."""

import functools
import gzip
import re

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe

from pages.sitemaps import SITEMAP_CACHE_SECONDS


def disallowed_paths() -> list[str]:
    # Search results are endless, thin and noindex anyway: crawling them wastes the
    # crawler's visits. The JSON suggestions live under /search/ too. In every language.
    # The admin only at its well-known default path: one moved elsewhere is not advertised.
    paths = ["/admin/"] if settings.ADMIN_PATH == "admin" else []
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
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads it


class CachedSitemap:
    """A sitemap view (Django's index or section view) cached under one key per section and
    page, whatever else the request carries: a random query string or Accept-Language cannot
    make it render again. Rendered in the default language, as crawlers are sent its URLs.

    `manage.py write_sitemaps` renders every page ahead through store(), so that workers
    serve them from the cache instead of rendering them when a crawler asks."""

    def __init__(self, view):
        self.view = view
        functools.update_wrapper(self, view)

    @method_decorator(require_safe)
    def __call__(self, request, **kwargs):
        page = self.page_number(request)
        stored = cache.get(self.key(request, page, **kwargs))
        if stored is None:
            stored = self.store(request, timeout=SITEMAP_CACHE_SECONDS, **kwargs)
        if isinstance(stored, HttpResponse):  # no such page: not stored
            return stored
        compressed, headers = stored
        if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response = HttpResponse(compressed, headers={**headers, "Content-Encoding": "gzip"})
        else:
            response = HttpResponse(gzip.decompress(compressed), headers=headers)
        patch_vary_headers(response, ["Accept-Encoding"])
        return response

    @staticmethod
    def page_number(request) -> int:
        page = request.GET.get("p", "1")
        if not re.fullmatch(r"[0-9]{1,9}", page):
            raise Http404("No such page.")
        return int(page)

    def key(self, request, page: int, **kwargs) -> str:
        section = kwargs.get("section", "")
        return ":".join(
            ["sitemap", self.view.__name__, section, str(page), request.scheme, request.get_host()]
        )

    def store(self, request, *, timeout, **kwargs):
        """Renders the page asked for and stores it, replacing what was stored: its content
        (gzipped: a twentieth of the size in the cache, and no compression at each request)
        and headers, or the response itself when it is not a 200."""
        page = self.page_number(request)
        request.GET = QueryDict(f"p={page}")  # all the view may read
        with translation.override(settings.LANGUAGE_CODE):
            response = self.view(request, **kwargs)
            response.render()
        if response.status_code != 200:
            return response
        headers = {name: response[name] for name in SITEMAP_HEADERS if response.has_header(name)}
        stored = (gzip.compress(response.content, mtime=0), headers)
        cache.set(self.key(request, page, **kwargs), stored, timeout)
        return stored
