"""Settings for filmsite, read from the environment.

Defaults make a fresh checkout run on SQLite. Production (FILMSITE_PRODUCTION=1)
refuses to start without SECRET_KEY. See the README for every variable.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


PRODUCTION = envbool("FILMSITE_PRODUCTION")
DEBUG = envbool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production mode (FILMSITE_PRODUCTION=1) needs a long "
            "random SECRET_KEY in the environment."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "films.views.community.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "films",
    "recommendations",
]

MIDDLEWARE = [
    # Compresses what the others leave uncompressed (a stored page comes out of the next
    # one compressed already when the browser asks for it).
    "filmsite.compression.PageGZipMiddleware",
    # It stores whole pages with the headers all the others gave them.
    "films.whole_pages.WholePageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "filmsite.urls"
WSGI_APPLICATION = "filmsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "films.whole_pages.fresh_values",
            ],
        },
    },
]

# SQLite in the checkout by default; DATABASE_URL (postgres://...) for PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers (gunicorn workers) go on while an import or a vote writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif envbool("DATABASE_PREPARED_STATEMENTS", default=True):
    # Django turns psycopg's prepared statements off, for poolers in transaction mode that
    # lose them (set this to 0 behind one: films/sql.py). Its own queries bind on the client
    # and are never prepared either way; the statements films.sql runs on every render ask to be.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5  # psycopg's default
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default; Redis, shared by every gunicorn worker and host, with REDIS_URL.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "filmsite.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "filmsite",
            # A Redis host that is down or cut off must not hold pages up (a connection
            # attempt otherwise waits minutes): pages are then rendered from the database.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "filmsite",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Template fragments that are the same for every visitor and page in a language (the
# fields of an empty comment form), rendered once per process: they change only with the
# code, which a restart brings.
CACHES["process"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "filmsite-process",
}
# Whole pages served from the cache, without the database (films/whole_pages.py). The
# processes serving pages and the commands changing the catalog must share the cache:
# on with REDIS_URL, off without (WHOLE_PAGE_CACHE=1/0 says otherwise, as the tests do).
WHOLE_PAGE_CACHE = envbool("WHOLE_PAGE_CACHE", default=bool(REDIS_URL))
# Rate limits on votes and comments (films/community.py) count in the default cache: per
# worker in local memory, shared by every worker and host with REDIS_URL. A cache outage
# lets comments through rather than refusing everyone; the other spam defences still hold.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The site's own text in English (URLs without prefix) and French (URLs under /fr/);
# data (titles, genre names) shows as the catalog gives it.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic always writes the hashed, compressed files and their manifest: it is the only
# command that makes the manifest that the choice below looks for.
COLLECTING_STATIC = sys.argv[1:2] == ["collectstatic"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files served by whitenoise once collectstatic has run (make run
        # and production always run it); plain files before that, as in tests.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if COLLECTING_STATIC or (STATIC_ROOT / "staticfiles.json").exists()
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
DEMO_CATALOG = BASE_DIR / "fixtures" / "demo-catalog.jsonl.gz"

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients),
# so that canonical URLs, sitemaps and redirects say https.
if envbool("TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
