"""/healthz says the process answers; /readyz whether it can serve pages and take votes."""

from django.db import OperationalError


class DatabaseDown:
    def cursor(self):
        raise OperationalError("connection refused")


def test_ready_when_the_database_and_the_cache_answer(client, db):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_not_ready_when_the_database_is_down_and_it_says_so(client, db, monkeypatch):
    monkeypatch.setattr("pages.views.health.connection", DatabaseDown())

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"database": "down", "cache": "ok"}
    assert client.get("/healthz").status_code == 200  # alive all the same


def test_not_ready_when_redis_is_out_of_reach(client, db, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "caching.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"},
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "down"}
