"""The settings read from the environment: a value they cannot mean stops the process with
the variable's name, production mode passes `check --deploy`, and plain HTTP still works where
the project serves it (make run, the benchmark)."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from filmsite.settings import envbool, envchoice, envint, envlist

SETTINGS_FILE = settings.BASE_DIR / "filmsite" / "settings.py"
README = settings.BASE_DIR / "README.md"


def settings_variables() -> set[str]:
    """Every environment variable filmsite/settings.py reads."""
    source = SETTINGS_FILE.read_text()
    return set(re.findall(r"\b(?:env\w*|os\.environ\.get)\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


def clean_env(**variables: str) -> dict:
    """This process's environment without any variable the settings read, plus `variables`."""
    env = {k: v for k, v in os.environ.items() if k not in settings_variables()}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # Set by the browser tests (tests/browser/conftest.py) for the live server's thread,
    # which can run in this process before: a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return {**env, **variables}


def production_env(**variables: str) -> dict:
    return clean_env(
        FILMSITE_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="films.example.org",
        **variables,
    )


def run_python(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_under(env: dict, *names: str) -> dict:
    """Settings as a process started with `env` reads them."""
    script = (
        "import json, filmsite.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run_python(env, "-c", script)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "value", ["1", "true", "True", "TRUE", "yes", "Yes", "on", "ON", " 1 ", "true\n"]
)
def test_true_spellings(monkeypatch, value):
    monkeypatch.setenv("FILMSITE_TEST_FLAG", value)
    assert envbool("FILMSITE_TEST_FLAG") is True


@pytest.mark.parametrize("value", ["0", "false", "False", "no", "NO", "off", "Off"])
def test_false_spellings(monkeypatch, value):
    monkeypatch.setenv("FILMSITE_TEST_FLAG", value)
    assert envbool("FILMSITE_TEST_FLAG", default=True) is False


@pytest.mark.parametrize("value", [None, "", "  "])
def test_unset_or_empty_gives_the_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("FILMSITE_TEST_FLAG", raising=False)
    else:
        monkeypatch.setenv("FILMSITE_TEST_FLAG", value)
    assert envbool("FILMSITE_TEST_FLAG", default=True) is True
    assert envbool("FILMSITE_TEST_FLAG", default=False) is False
    assert envint("FILMSITE_TEST_FLAG", 60) == 60
    assert envchoice("FILMSITE_TEST_FLAG", "WARNING", ("INFO", "WARNING")) == "WARNING"
    assert envlist("FILMSITE_TEST_FLAG", ["a"]) == ["a"]


@pytest.mark.parametrize("value", ["ture", "2", "y", "enabled", "-1"])
def test_a_bad_boolean_names_the_variable_and_the_value(monkeypatch, value):
    monkeypatch.setenv("FILMSITE_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured) as raised:
        envbool("FILMSITE_TEST_FLAG")
    assert "FILMSITE_TEST_FLAG" in str(raised.value)
    assert repr(value) in str(raised.value)


def test_whole_numbers(monkeypatch):
    monkeypatch.setenv("FILMSITE_TEST_NUMBER", " 3600 ")
    assert envint("FILMSITE_TEST_NUMBER", 0) == 3600
    monkeypatch.setenv("FILMSITE_TEST_NUMBER", "0")
    assert envint("FILMSITE_TEST_NUMBER", 60) == 0
    for bad in ["sixty", "1.5", "-5", "1e3"]:
        monkeypatch.setenv("FILMSITE_TEST_NUMBER", bad)
        with pytest.raises(ImproperlyConfigured, match=rf"FILMSITE_TEST_NUMBER: '{bad}'"):
            envint("FILMSITE_TEST_NUMBER", 60)


def test_choices_in_any_case(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "info")
    assert envchoice("LOG_LEVEL", "WARNING", ("INFO", "WARNING")) == "INFO"
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    with pytest.raises(ImproperlyConfigured, match="LOG_LEVEL: 'verbose'"):
        envchoice("LOG_LEVEL", "WARNING", ("INFO", "WARNING"))


@pytest.mark.parametrize(
    "variable, value",
    [
        ("DEBUG", "ture"),
        ("SECURE_SSL_REDIRECT", "nope"),
        ("DATABASE_CONN_MAX_AGE", "a minute"),
        ("SECURE_HSTS_SECONDS", "-1"),
        ("LOG_LEVEL", "loud"),
        ("ADMIN_PATH", "back office"),
        ("ADMIN_PATH", "../admin"),
    ],
)
def test_the_site_refuses_to_start_with_a_bad_value(variable, value):
    result = run_python(clean_env(**{variable: value}), "-c", "import filmsite.settings")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Unexpected value for {variable}: {value!r}" in result.stderr


def test_production_refuses_debug_and_a_missing_secret_key():
    debug = run_python(production_env(DEBUG="1"), "-c", "import filmsite.settings")
    assert debug.returncode != 0
    assert "DEBUG is on in production mode" in debug.stderr

    env = production_env()
    del env["SECRET_KEY"]
    no_key = run_python(env, "-c", "import filmsite.settings")
    assert no_key.returncode != 0
    assert "SECRET_KEY is not set" in no_key.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = run_python(
        production_env(), "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_is_https_only():
    values = settings_under(
        production_env(),
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "STATIC_MANIFEST",
    )

    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "STATIC_MANIFEST": True,
    }


def test_each_https_setting_can_be_turned_off_in_production():
    values = settings_under(
        production_env(
            SECURE_SSL_REDIRECT="off",
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="no",
            SECURE_HSTS_PRELOAD="false",
        ),
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
    )

    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
    }


def test_make_run_serves_plain_http_with_hashed_static_files():
    # make run sets no variable: not production mode, DEBUG off.
    values = settings_under(
        clean_env(),
        "PRODUCTION",
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "STATIC_MANIFEST",
    )

    assert values == {
        "PRODUCTION": False,
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,
        "STATIC_MANIFEST": True,
    }


def test_the_benchmark_serves_production_over_plain_http():
    # bench/run.py gives gunicorn production mode without the redirect: wrk speaks HTTP.
    source = (settings.BASE_DIR / "bench" / "run.py").read_text()
    values = settings_under(
        production_env(SECURE_SSL_REDIRECT="0", DEBUG=""), "PRODUCTION", "SECURE_SSL_REDIRECT"
    )

    assert '"SECURE_SSL_REDIRECT": "0"' in source
    assert values == {"PRODUCTION": True, "SECURE_SSL_REDIRECT": False}


def test_static_file_names_follow_debug_unless_told():
    backend = "STORAGES"
    debug = settings_under(clean_env(DEBUG="1"), backend)[backend]["staticfiles"]["BACKEND"]
    told = settings_under(clean_env(STATIC_MANIFEST="0"), backend)[backend]["staticfiles"]

    assert debug == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert told["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_the_admin_can_live_elsewhere_and_is_then_not_advertised():
    script = (
        "import django; django.setup(); "
        "from django.test import Client; from django.urls import reverse; "
        "print(reverse('admin:index'), reverse('admin:login')); "
        "print(Client().get('/robots.txt').content.decode().count('admin'))"
    )
    env = clean_env(DJANGO_SETTINGS_MODULE="filmsite.settings", ADMIN_PATH="/back/office/")
    result = run_python(env, "-c", script)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/back/office/", "/back/office/login/", "0"]


def test_the_readme_lists_every_variable_the_settings_read():
    table = [line for line in README.read_text().splitlines() if line.startswith("| `")]
    listed = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", "\n".join(table)))

    assert settings_variables() >= {"DEBUG", "SECRET_KEY", "LOG_LEVEL", "SECURE_COOKIES"}
    assert settings_variables() - listed == set()
