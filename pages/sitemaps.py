"""Sitemaps: an index at /sitemap.xml listing one sitemap per section, each split into
pages of at most 10,000 URLs, served by django.contrib.sitemaps. Not the 50,000 that
sitemaps.org allows: a page of 50,000 URLs with their language alternates is about 20 MB,
and its render takes a process from about 80 to 270 MB (docs/operations.md, "Sitemaps").

With a million people the "people" section is 105 pages. Each page is one query for just
the columns its URLs need (no COUNT: see OffsetPaginator), and the index counts each
section once.

Languages: the sitemaps list the English URLs, each with its hreflang alternates (en,
fr, x-default) as <xhtml:link> elements. Not with Django's `i18n = True` and
`alternates = True`: Django then builds a list of (item, language) for every item of a
section before paginating. CatalogSitemap adds the alternates to one page's URLs
instead, from each language's prefix (/fr) and the English path: no query, and one
reverse() per language per page.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import translation

from films.catalog.models import Country, Film, Genre, Person, Theme

# A full page takes a second or two to render (10,000 reverse() calls and template loops)
# and crawlers come back for it daily at most: the views are cached this long
# (filmsite/urls.py), or written ahead by `manage.py write_sitemaps`. A page is about 4 MB,
# about 100 MB for the whole people section: in Redis (REDIS_URL), not in each worker's
# local memory, on a catalog that size.
SITEMAP_CACHE_SECONDS = 6 * 60 * 60
# Pages written ahead by `manage.py write_sitemaps`, run daily: kept a day past the next run,
# so that a missed run means a page rendered on demand, not a sitemap that never changes.
WRITTEN_SITEMAP_SECONDS = 2 * 24 * 60 * 60


# Far past any catalog, and below the largest offset either database takes (a bigint).
MAX_PAGE = 2**31


class OffsetPaginator(Paginator):
    """Serves a page with one query and no COUNT: the page's rows, and a 404 for a page
    past the end (it comes back empty). The index still counts, once, for its pages."""

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger("That page number is not an integer") from exc
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        if number > MAX_PAGE:  # an offset past what the database takes: no such page
            raise EmptyPage("That page contains no results")
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return Page(rows, number, self)


def language_prefixes() -> dict[str, str]:
    """{"en": "", "fr": "/fr"}: what each language puts before a page's path
    (i18n_patterns with prefix_default_language=False; the paths are not translated)."""
    prefixes = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            prefixes[code] = reverse("films:home").rstrip("/")
    return prefixes


class CatalogSitemap(Sitemap):
    limit = 10_000
    # Not Django's i18n = True / alternates = True: see the module docstring.

    @property
    def paginator(self):
        return OffsetPaginator(self.items(), self.limit)

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        prefixes = language_prefixes()
        default = prefixes[settings.LANGUAGE_CODE]
        for url in urls:
            scheme, domain, path, query, _ = urlsplit(url["location"])
            origin = f"{scheme}://{domain}"
            # The sitemap views run in the default language: its path, with its prefix.
            path = urlunsplit(("", "", path, query, "")).removeprefix(default)
            url["alternates"] = [
                {"lang_code": code, "location": f"{origin}{prefix}{path}"}
                for code, prefix in prefixes.items()
            ] + [{"lang_code": "x-default", "location": f"{origin}{default}{path}"}]
        return urls


class FilmSitemap(CatalogSitemap):
    def items(self):
        # Ordered by id, the primary key index: a page's rows stay put as films are added.
        return Film.objects.only("id", "slug", "updated_at").order_by("id")

    def lastmod(self, film):
        return film.updated_at

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every film of the section.
        return Film.objects.aggregate(latest=Max("updated_at"))["latest"]


class PersonSitemap(CatalogSitemap):
    def items(self):
        return Person.objects.only("id", "slug").order_by("id")


class GenreSitemap(CatalogSitemap):
    def items(self):
        # Lists with no film in them are not worth a search engine's visit.
        has_films = Film.genres.through.objects.filter(genre=OuterRef("pk"))
        return Genre.objects.filter(Exists(has_films)).only("slug").order_by("id")


class ThemeSitemap(CatalogSitemap):
    def items(self):
        has_films = Film.themes.through.objects.filter(theme=OuterRef("pk"))
        return Theme.objects.filter(Exists(has_films)).only("slug").order_by("id")


class CountrySitemap(CatalogSitemap):
    def items(self):
        has_films = Film.countries.through.objects.filter(country=OuterRef("pk"))
        return Country.objects.filter(Exists(has_films)).only("code").order_by("code")


class DecadeSitemap(CatalogSitemap):
    def items(self):
        years = Film.objects.exclude(year=None).order_by().values_list("year", flat=True)
        return sorted({year - year % 10 for year in years.distinct()})

    def location(self, start):
        return reverse("films:decade", kwargs={"start": start})


class StaticSitemap(CatalogSitemap):
    def items(self):
        return ["films:home", "films:browse", "films:genres", "films:decades", "films:countries"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "static": StaticSitemap,
    "films": FilmSitemap,
    "people": PersonSitemap,
    "genres": GenreSitemap,
    "themes": ThemeSitemap,
    "countries": CountrySitemap,
    "decades": DecadeSitemap,
}
