from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from filmsite.metrics import metrics
from pages.sitemaps import SITEMAPS
from pages.views.seo import CachedSitemap, robots_txt

urlpatterns = [
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
    # For Prometheus, from METRICS_ALLOWED_FROM only: a 404 to anyone else.
    path("metrics", metrics, name="metrics"),
    # One address each for crawlers, whatever the language.
    path("robots.txt", robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        CachedSitemap(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        CachedSitemap(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("api/", include("api.urls")),  # the JSON API, in English only (docs/api.md)
]
# English pages keep their URLs (/film/...); French ones live under /fr/.
urlpatterns += i18n_patterns(
    path("", include("pages.urls")),
    path("", include("accounts.urls")),
    prefix_default_language=False,
)

handler400 = "pages.views.errors.bad_request"
handler404 = "pages.views.errors.page_not_found"
handler500 = "pages.views.errors.server_error"
