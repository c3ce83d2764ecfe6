# Two commands for a new user: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PANAH := $(BIN)/panah
UV := $(BIN)/uv
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
REDIS := /usr/bin/redis-server
PORT ?= 8000
# Where authority is decided, the actor is typed: the accounts app, every services and selectors module.
TYPED := panah/accounts $(filter-out panah/accounts/%,$(wildcard panah/*/services.py panah/*/selectors.py panah/*/*_services.py panah/*/*_selectors.py))

.PHONY: run test install system-deps browser proxy lint lock demo serve clean

$(STAMP): pyproject.toml requirements.lock
	@$(MAKE) --no-print-directory system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# PyICU builds against the system ICU; gettext compiles the translations.
system-deps:
	@if ! pkg-config --exists icu-i18n 2>/dev/null || ! command -v msgfmt >/dev/null; then \
		echo "Installing ICU headers, pkg-config and gettext with apt-get"; \
		apt-get update -qq && apt-get install -y -qq libicu-dev pkg-config gettext >/dev/null; \
	fi
	@# Decision notices: WeasyPrint draws them with Pango and Debian's Noto fonts (Naskh Arabic for Dari,
	@# Pashto and Arabic); the tests turn them into PNGs with poppler's pdftoppm.
	@if ! fc-list 2>/dev/null | grep -q "NotoNaskhArabic" || ! fc-list 2>/dev/null | grep -q "NotoSans-Regular" \
		|| ! command -v pdftoppm >/dev/null || ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then \
		echo "Installing Pango, Noto fonts and poppler-utils with apt-get for the decision notices"; \
		apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-noto-extra poppler-utils >/dev/null; \
	fi

browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	fi

# The tests behind a real reverse proxy and with the Redis cache start Debian's nginx and redis-server
# themselves on loopback ports (tests/ops/test_behind_proxy.py, tests/ops/test_shared_limits.py).
proxy:
	@if [ ! -x $(NGINX) ] || [ ! -x $(REDIS) ]; then \
		echo "Installing Debian's nginx and redis-server for the tests behind a proxy and with a shared cache"; \
		apt-get update -qq && apt-get install -y -qq nginx redis-server >/dev/null; \
	fi

translations: $(STAMP)
	cd panah && ../$(BIN)/django-admin compilemessages --ignore=.venv >/dev/null

run: $(STAMP) translations
	mkdir -p var
	PANAH_DEBUG=1 $(PANAH) migrate --no-input
	PANAH_DEBUG=1 $(PANAH) demo --if-empty
	PANAH_DEBUG=1 $(PANAH) serve --port $(PORT)

test: $(STAMP) browser proxy translations
	$(BIN)/ruff check panah tests bench
	PANAH_TESTING=1 $(BIN)/mypy $(TYPED)
	PANAH_DEBUG=1 $(PANAH) makemigrations --check --dry-run >/dev/null
	@echo "== SQLite =="
	DATABASE_URL=sqlite:///var/test.sqlite3 PANAH_TESTING=1 $(BIN)/pytest
	@echo "== PostgreSQL ($(PG_URL)), the browser journeys ran once above =="
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} PANAH_TESTING=1 PANAH_REQUIRE_POSTGRES=1 $(BIN)/pytest -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff check panah tests bench
	PANAH_TESTING=1 $(BIN)/mypy $(TYPED)
	$(BIN)/ruff format --check panah tests bench

# Re-pin every dependency (run after editing pyproject.toml).
lock:
	test -x $(UV) || ($(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet "uv==0.13.8")
	$(UV) pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 --quiet -o requirements.lock

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
