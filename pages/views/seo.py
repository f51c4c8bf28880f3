"""robots.txt; the sitemaps themselves are django.contrib.sitemaps views (films/sitemaps.py)."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe


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
