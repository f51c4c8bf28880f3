import fcntl
import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from films.catalog.models import Credit, Film, Genre, Person, Theme
from films.catalog.ratings import PRIOR_MEAN, renown

# Tests render templates with plain static file names, whether or not collectstatic has
# run in this checkout (a stale manifest would otherwise fail on a new static file).
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def make_film(**kwargs) -> Film:
    """A film; genres=, themes=, directors=, cast=, writers= take names or objects."""
    genres = kwargs.pop("genres", [])
    themes = kwargs.pop("themes", [])
    countries = kwargs.pop("countries", [])
    directors = kwargs.pop("directors", [])
    writers = kwargs.pop("writers", [])
    cast = kwargs.pop("cast", [])
    kwargs.setdefault("title", "A Film")
    kwargs.setdefault("external_id", f"test:{Film.objects.count() + 1}:{kwargs['title']}")
    kwargs.setdefault("year", 2000)
    if kwargs.get("rating_count") and "renown" not in kwargs:
        # As an import or a vote sets it, from the rank given (else the prior's).
        rank = kwargs.get("rating_rank") or PRIOR_MEAN
        kwargs["renown"] = renown(rank, kwargs["rating_count"])
    film = Film.objects.create(**kwargs)
    film.genres.set([make_named(Genre, g) for g in genres])
    film.themes.set([make_named(Theme, t) for t in themes])
    if countries:
        from films.catalog.models import Country

        film.countries.set(
            [Country.objects.get_or_create(code=c, defaults={"name": c})[0] for c in countries]
        )
    for role, people in (
        (Credit.Role.DIRECTOR, directors),
        (Credit.Role.WRITER, writers),
        (Credit.Role.ACTOR, cast),
    ):
        for position, person in enumerate(people):
            Credit.objects.create(
                film=film, person=make_person(person), role=role, position=position
            )
    return film


def make_named(model, name_or_obj):
    if isinstance(name_or_obj, model):
        return name_or_obj
    from films.catalog.models import slug_for

    return model.objects.get_or_create(
        name=name_or_obj, defaults={"slug": slug_for(name_or_obj, "x")}
    )[0]


def make_person(name_or_obj) -> Person:
    if isinstance(name_or_obj, Person):
        return name_or_obj
    return Person.objects.get_or_create(name=name_or_obj, external_id=None)[0]


@pytest.fixture
def fresh_rate_limits():
    """For tests that vote, comment or sign up: the rate limits count in the cache, which
    outlives a test's database, so it is cleared before and after."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def film_factory(db):
    return make_film


@pytest.fixture
def person_factory(db):
    return make_person


@pytest.fixture(autouse=True)
def no_whole_pages(settings):
    """Whole pages from the cache (caching/whole_pages.py) only in the tests that ask for
    them: the others change the database directly, behind the site's back."""
    settings.WHOLE_PAGE_CACHE = False


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the site's default language: a request under /fr/ leaves French
    active in the thread, and reverse() would then give /fr/ addresses to the next test."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with empty caches (pages, rate limits, a process's fragments)."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["process"].clear()
    yield
    cache.clear()


# --- Redis: a database of its own for each test process ------------------------------

REDIS_SERVER = "redis://127.0.0.1:6379"
# Redis has 16 databases: 0 is a REDIS_URL's without a number (`make run`), 14 the
# benchmark's (bench/run.py); the tests take the others, from 15 down.
TEST_REDIS_DATABASES = [15, *range(13, 0, -1)]


@pytest.fixture(scope="session")
def redis_url():
    """The URL of a Redis database this test process has to itself: tests empty their
    database (cache.clear() is FLUSHDB), so each pytest-xdist worker, and each run of the
    suite on the machine, holds a lock on one, which the system lets go when it ends."""
    import redis

    try:
        redis.Redis.from_url(REDIS_SERVER).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise  # CI starts Redis (.ci/run): a missing server is a failure, not a skip
        pytest.skip("no Redis server on 127.0.0.1:6379")
    # gw0 tries 15 first, gw1 13, ...: a lone run's workers take one each at the first try.
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    start = worker % len(TEST_REDIS_DATABASES)
    for number in TEST_REDIS_DATABASES[start:] + TEST_REDIS_DATABASES[:start]:
        lock = open(Path(tempfile.gettempdir()) / f"filmsite-tests-redis-{number}.lock", "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another test process has this one
            lock.close()
            continue
        with lock:
            lock.truncate(0)
            lock.write(f"{os.getpid()}\n")  # who has it, for a person wondering
            lock.flush()
            yield f"{REDIS_SERVER}/{number}"
        return
    pytest.fail(f"Redis databases {TEST_REDIS_DATABASES} are all taken by other test processes")


@pytest.fixture
def redis_cache(settings, redis_url):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "caching.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "filmsite-tests",
        },
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def film_with_relations(pk: int):
    """The film as its page reads it: with its relations loaded (films.catalog.relations)."""
    from films.catalog.models import Film
    from films.catalog.relations import load_relations

    film = Film.objects.get(pk=pk)
    load_relations(film)
    return film
