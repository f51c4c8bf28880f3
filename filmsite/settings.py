"""Settings for filmsite, read from the environment.

Defaults make a fresh checkout run on SQLite over plain HTTP. Production mode
(FILMSITE_PRODUCTION=1) refuses to start without SECRET_KEY or with DEBUG, makes cookies
secure, redirects to HTTPS and sends HSTS. A variable set to a value it cannot mean (DEBUG=ture)
stops the process with ImproperlyConfigured naming it. See the README for every variable.
"""

import datetime
import ipaddress
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _env(name: str) -> str | None:
    """The variable's value without surrounding spaces; None when unset or empty."""
    value = os.environ.get(name, "").strip()
    return value or None


def _unexpected(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Unexpected value for {name}: {value!r}; use {expected}.")


def envbool(name: str, default: bool = False) -> bool:
    """1/0, true/false, yes/no or on/off, in any case; unset or empty gives the default."""
    value = _env(name)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise _unexpected(name, value, "1 or 0 (or true/false, yes/no, on/off)")


def envint(name: str, default: int, minimum: int = 0) -> int:
    """A whole number of at least `minimum`; unset or empty gives the default."""
    value = _env(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise _unexpected(name, value, f"a whole number of {minimum} or more") from None
    if number < minimum:
        raise _unexpected(name, value, f"a whole number of {minimum} or more")
    return number


def envfloat(name: str, default: float, minimum: float, maximum: float) -> float:
    """A number from `minimum` to `maximum`; unset or empty gives the default."""
    value = _env(name)
    if value is None:
        return default
    expected = f"a number from {minimum:g} to {maximum:g}"
    try:
        number = float(value)
    except ValueError:
        raise _unexpected(name, value, expected) from None
    if not minimum <= number <= maximum:
        raise _unexpected(name, value, expected)
    return number


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, in any case; unset or empty gives the default."""
    value = _env(name)
    if value is None:
        return default
    if value.upper() not in choices:
        raise _unexpected(name, value, "one of " + ", ".join(choices))
    return value.upper()


def envlist(name: str, default: list[str]) -> list[str]:
    """Comma-separated values; unset or empty gives the default."""
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


PRODUCTION = envbool("FILMSITE_PRODUCTION")
DEBUG = envbool("DEBUG")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG is on in production mode (FILMSITE_PRODUCTION=1): Django's debug pages show "
        "settings and code to every visitor. Unset DEBUG."
    )

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
CSRF_FAILURE_VIEW = "pages.views.community.csrf_failure"
# Where the admin lives (admin/ by default): another path keeps the scripts that try
# /admin/ on every site away from its sign-in. Letters, digits, "_", "-" and "/".
ADMIN_PATH = os.environ.get("ADMIN_PATH", "").strip("/") or "admin"
if not re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*", ADMIN_PATH):
    raise _unexpected("ADMIN_PATH", ADMIN_PATH, "a path such as curators or back/office")
# Visitors' accounts (accounts/): optional; the admin keeps its own sign-in page.
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:account"

# Email, for password resets: through the SMTP server EMAIL_HOST when it is set, else
# written to the log (the console) for development.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
    # A server that does not answer holds a worker no longer than this.
    EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10, minimum=1)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "filmsite <noreply@localhost>")

# Signing in (the admin's and the visitors'), throttled by django-axes: after
# AXES_FAILURE_LIMIT wrong passwords from
# one address (whatever the account), or for one account from one address, sign-ins from
# there are refused (429) for AXES_COOLOFF_TIME; a success forgets the failures. Not per
# account alone: anyone could then lock the curators out. The address is the one the rate
# limits use (REMOTE_ADDR, set by the proxy in front: docs/operations.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "films.community.services.client_address"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

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
    "ninja",  # its Swagger UI files, served from here (api/, docs/api.md)
    "films",
    "recommendations",
    "pages",
    "api",
    "accounts",
    "wikidata",
    "axes",
    "csp",
    "django_guid",
]

MIDDLEWARE = [
    # First: the request's id (filmsite/request_ids.py) for every log line, answered in the
    # response's X-Request-ID, which a stored page then never keeps.
    "django_guid.middleware.guid_middleware",
    # Compresses what the others leave uncompressed (a stored page comes out of the next
    # one compressed already when the browser asks for it).
    "filmsite.compression.PageGZipMiddleware",
    # It stores whole pages with the headers all the others gave them.
    "caching.whole_pages.WholePageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Inside WholePageMiddleware, so that a stored page keeps their headers too; before
    # whitenoise, so that static files (an SVG) get them as well.
    "csp.middleware.CSPMiddleware",
    # Access-Control-Allow-Origin: * on the read-only API (api/cors.py), kept by stored pages.
    "api.cors.ReadOnlyCorsMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # OPTIONS answered with the methods an address takes, TRACE refused: no page for either.
    # After the locale's, which makes the /fr/ addresses resolve.
    "filmsite.methods.HttpMethodsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A view that cannot reach the database answers 503, with what the visitor wrote.
    "filmsite.outages.DatabaseOutageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: refuses the sign-in of an account or address locked out.
    "axes.middleware.AxesMiddleware",
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
                "caching.holes.csrf_hole",
            ],
        },
    },
]

# SQLite in the checkout by default; DATABASE_URL (postgres://...) for PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Seconds a worker keeps its database connection (0: one per request).
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
# Seconds any one statement of a web process may run on PostgreSQL (0: no bound); well
# under gunicorn's timeout, so a page that asks too much gets a 503, not a killed worker.
# Commands (imports, builds) are not bound: filmsite/database.py.
DATABASE_STATEMENT_TIMEOUT = envint("DATABASE_STATEMENT_TIMEOUT", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default; Redis, shared by every gunicorn worker and host, with REDIS_URL.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "caching.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "filmsite",
            # A Redis host that is down or cut off must not hold pages up (a connection
            # attempt otherwise waits minutes): pages are then rendered from the database.
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 5},
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
# Whole pages served from the cache, without the database (caching/whole_pages.py). The
# processes serving pages and the commands changing the catalog must share the cache:
# on with REDIS_URL, off without (WHOLE_PAGE_CACHE=1/0 says otherwise, as the tests do).
WHOLE_PAGE_CACHE = envbool("WHOLE_PAGE_CACHE", default=bool(REDIS_URL))
# A function (dotted path) told the surrogate keys of every change once it is committed, to
# purge an HTTP cache or CDN in front (docs/operations.md, "Caching"); none by default.
SURROGATE_KEY_PURGE_HOOK = os.environ.get("SURROGATE_KEY_PURGE_HOOK", "") or None
# Rate limits on votes and comments (films/community/services.py) count in the default cache: per
# worker in local memory, shared by every worker and host with REDIS_URL. A cache outage
# lets comments through rather than refusing everyone; the other spam defences still hold.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True
# Answers the JSON API (api/) computes for one address, as django-ratelimit writes a rate
# ("300/m": 300 a minute); those from the whole-page cache are not counted. "off": no limit.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "").strip().lower() or "300/m"
if not re.fullmatch(r"off|[0-9]+/[0-9]*[smhd]", API_RATE_LIMIT):
    raise _unexpected("API_RATE_LIMIT", API_RATE_LIMIT, "a rate such as 300/m or 20/s, or off")

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
# Hashed, compressed file names (whitenoise), served with far-future caching, whenever DEBUG
# is off: collectstatic writes the files and their manifest, and must run with the same
# setting before the server starts (make run, make audit and the benchmark run it; a
# deployment must too). Plain names with DEBUG=1 (runserver), or STATIC_MANIFEST=0. The tests
# use plain names whatever this says (tests/conftest.py).
STATIC_MANIFEST = envbool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
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
# Behind a proxy that sets X-Real-IP to the client's address and replaces any a client sent
# (deploy/nginx/filmsite.conf): the address rate limits, the admin's lockout and the
# comments' address hash count, instead of the proxy's own (films.community.services).
TRUST_X_REAL_IP = envbool("TRUST_X_REAL_IP")

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", PRODUCTION)
# HTTPS only, in production mode. Over plain HTTP (make run, the benchmark) both stay off:
# SecurityMiddleware sends HSTS on HTTPS responses alone, and the redirect is what would break
# plain HTTP. Behind a TLS proxy, the redirect needs TRUST_X_FORWARDED_PROTO=1, or every
# request looks like HTTP and redirects to itself. The health check answers over HTTP too, for
# load balancers that probe the server directly.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# A year, this domain's subdomains too, and consent to the browsers' preload list (a
# submission is still needed to be on it): browsers then refuse plain HTTP to the domain for
# the whole time, so a first deployment may start with SECURE_HSTS_SECONDS=3600.
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): the site's own scripts, styles, images and fetches,
# nothing else, and no inline script or style: the stars take their width from an attribute,
# not style="" (static/css/site.css). JSON-LD blocks are data, which CSP leaves alone.
# No nonce, so that the header is the same for every visitor and a stored page can keep it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): the browser features no page uses, refused
# to the pages and to anything they could embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# The request id (django-guid, filmsite/request_ids.py): the X-Request-ID a front proxy sets
# when it is a UUID (nginx's $request_id: 32 hex digits), else a new one; answered in the
# response's X-Request-ID.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "UUID_FORMAT": "hex",
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,  # no script of another origin reads it
}

# Logs to the console, one JSON object a line in production (python-json-logger: for a log
# collector), readable lines elsewhere; each with its request's id, or null outside requests.
LOG_FORMAT = envchoice("LOG_FORMAT", "JSON" if PRODUCTION else "TEXT", ("JSON", "TEXT"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {
            "()": "django_guid.log_filters.CorrelationId",
            "correlation_id_field": "request_id",
        }
    },
    "formatters": {
        "JSON": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "TEXT": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": envchoice("LOG_LEVEL", "WARNING", LOG_LEVELS)},
    # django-guid says at INFO how it found each id: a line a request.
    "loggers": {"django_guid": {"level": "WARNING"}},
}

# Prometheus metrics, on only with METRICS_ALLOWED_FROM: the addresses or networks that may
# read /metrics (filmsite/metrics.py). Requests and their time by view, pages served before
# Django, database time (django-prometheus's wrappers of Django's backends) and the Redis
# cache's hits and misses (caching/metrics.py). Off, nothing of it runs.
METRICS_ALLOWED_FROM = envlist("METRICS_ALLOWED_FROM", [])
for network in METRICS_ALLOWED_FROM:
    try:
        ipaddress.ip_network(network)
    except ValueError:
        raise _unexpected(
            "METRICS_ALLOWED_FROM", network, "addresses or networks (10.0.0.0/8), comma-separated"
        ) from None
if METRICS_ALLOWED_FROM:
    MIDDLEWARE = ["filmsite.metrics.RequestMetricsMiddleware", *MIDDLEWARE]
    DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
        "django.db.backends.", "django_prometheus.db.backends.", 1
    )
    if CACHES["default"]["BACKEND"] == "caching.redis.RedisCache":
        CACHES["default"]["BACKEND"] = "caching.metrics.MeasuredRedisCache"

# Error reporting to Sentry, only when SENTRY_DSN is set (filmsite/error_reporting.py):
# server errors with their request's id, nothing personal; SENTRY_TRACES_SAMPLE_RATE, the
# share of requests traced for its performance pages, 0 unless asked.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from filmsite import error_reporting

    error_reporting.start(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "").strip()
        or ("production" if PRODUCTION else "development"),
        traces_sample_rate=envfloat("SENTRY_TRACES_SAMPLE_RATE", 0.0, minimum=0, maximum=1),
    )
