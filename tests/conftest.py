import os

import pytest
from django.conf import settings

from films.models import Credit, Film, Genre, Person, Theme

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
    film = Film.objects.create(**kwargs)
    film.genres.set([make_named(Genre, g) for g in genres])
    film.themes.set([make_named(Theme, t) for t in themes])
    if countries:
        from films.models import Country

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
    from films.models import slug_for

    return model.objects.get_or_create(
        name=name_or_obj, defaults={"slug": slug_for(name_or_obj, "x")}
    )[0]


def make_person(name_or_obj) -> Person:
    if isinstance(name_or_obj, Person):
        return name_or_obj
    return Person.objects.get_or_create(name=name_or_obj, external_id=None)[0]


@pytest.fixture
def film_factory(db):
    return make_film


@pytest.fixture
def person_factory(db):
    return make_person


@pytest.fixture(autouse=True)
def no_whole_pages(settings):
    """Whole pages from the cache (films/whole_pages.py) only in the tests that ask for
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


REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise  # CI starts Redis (.ci/run): a missing server is a failure, not a skip
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "filmsite.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "filmsite-tests",
        },
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
