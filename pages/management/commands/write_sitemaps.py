"""manage.py write_sitemaps ORIGIN...: renders every page of the sitemaps ahead, into the
shared cache, so that gunicorn workers serve them instead of rendering them (seconds and
tens of megabytes a page) when a crawler asks. Run after an import and daily."""

import io
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404, HttpResponse
from django.urls import resolve, reverse

from pages.sitemaps import SITEMAPS, WRITTEN_SITEMAP_SECONDS


class Command(BaseCommand):
    help = (
        "Render every page of the sitemaps into the shared cache, for the site's address as "
        "crawlers reach it. Run after an import and daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "origins",
            nargs="+",
            metavar="ORIGIN",
            help="The site's address as crawlers reach it, e.g. https://films.example.org",
        )

    def handle(self, *, origins, **options):
        if isinstance(cache, LocMemCache):
            self.stderr.write(
                "The cache is this process's own memory (no REDIS_URL): the pages written "
                "now are not seen by the servers, which render each page when it is asked for."
            )
        for origin in origins:
            started = time.monotonic()
            pages = self.write(origin)
            self.stdout.write(
                f"{origin}: {pages} sitemap pages written in {time.monotonic() - started:.1f} s"
            )

    def write(self, origin: str) -> int:
        written = self.store(origin, reverse("sitemap"), page=1)
        for section in SITEMAPS:
            path = reverse("sitemap_section", kwargs={"section": section})
            page = 1
            while self.store(origin, path, page):
                written += 1
                page += 1
        return written

    def store(self, origin: str, path: str, page: int) -> bool:
        """Renders and stores one page; False when the section has no such page."""
        request = request_for(origin, path, page)
        match = resolve(path)
        try:
            stored = match.func.store(request, timeout=WRITTEN_SITEMAP_SECONDS, **match.kwargs)
        except Http404:  # past the section's last page
            return False
        return not isinstance(stored, HttpResponse)


def request_for(origin: str, path: str, page: int) -> WSGIRequest:
    """A GET of the page as a crawler would send it to `origin` (http or https)."""
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/"):
        raise CommandError(f"{origin!r} is not a site's address such as https://films.example.org")
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": f"p={page}",
            "HTTP_HOST": parts.netloc,
            "SERVER_NAME": parts.hostname,
            "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
            "wsgi.url_scheme": parts.scheme,
            "wsgi.input": io.BytesIO(),
        }
    )
    try:
        request.get_host()
    except DisallowedHost:
        raise CommandError(
            f"{parts.netloc} is not in ALLOWED_HOSTS ({', '.join(settings.ALLOWED_HOSTS)})"
        ) from None
    return request
