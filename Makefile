# Two commands matter: `make run` and `make test`. Everything else is a step they share.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := app:create_app

.PHONY: run install test test-fast browsers services wrk translations-update benchmarks benchmark-load fuzz clean

run: install
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) 'app:create_app()'

install: $(BIN)/.installed node_modules/.installed static/build/manifest.json compile-translations migrate audio

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/manifest.json: node_modules/.installed static/css/site.css static/js/komek.js web/assets.py
	$(BIN)/python -m web.assets

.PHONY: compile-translations migrate audio
compile-translations: $(BIN)/.installed
	$(BIN)/pybabel compile -d translations >/dev/null

migrate: $(BIN)/.installed
	mkdir -p instance
	$(BIN)/alembic upgrade head

# "Listen" clips: espeak-ng and opusenc from Debian, built into KOMEK_AUDIO_DIR (default ~/.cache/komek-audio,
# outside the checkout, so a second run only checks hashes).
audio: $(BIN)/.installed
	@if ! command -v espeak-ng >/dev/null || ! command -v opusenc >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng opus-tools; \
	fi
	$(BIN)/python -m services.speech build

# Chromium and its driver come from Debian, never downloaded by a test tool.
browsers:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	fi

# wrk from Debian: fifty people at once in a test (tests/security/test_mixed_load.py) and the load benchmark.
wrk:
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

# PostgreSQL 15 and Redis from Debian, for the tests that prove the same code on production's engines.
services:
	@if [ ! -x /usr/lib/postgresql/15/bin/initdb ] || ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server; \
	fi

# When make read this file: the start of `make test`'s set-up, for its time per part.
STARTED := $(shell date +%s)

# The fast tests in parallel, then the browser audits in one Chromium session. Throw-away PostgreSQL and
# Redis run on loopback for the duration (tools/test_services.sh) and are stopped even when a test fails;
# KOMEK_REQUIRE_SERVICES=1 makes a missing service fail its tests rather than skip them. Ends with the
# time each part took.
test: install browsers services wrk
	@part() { local started=$$(date +%s); "$$@"; local status=$$?; times+="$$(( $$(date +%s) - started )) s, "; return $$status; }; \
	times="set-up $$(( $$(date +%s) - $(STARTED) )) s, services "; \
	envfile=$$(mktemp); part tools/test_services.sh start >"$$envfile" || exit 1; \
	eval "$$(cat "$$envfile")"; rm -f "$$envfile"; \
	trap 'tools/test_services.sh stop "$$KOMEK_TEST_SERVICES_DIR"' EXIT; \
	export KOMEK_REQUIRE_SERVICES=1; \
	echo "PostgreSQL: $$KOMEK_TEST_POSTGRES_URL, Redis: $$KOMEK_TEST_REDIS_URL"; \
	times+="tests/ (2 workers) "; part $(BIN)/python -m pytest tests -n 2 --durations=5 || exit 1; \
	times+="accessibility_tests/ (browser) "; part $(BIN)/python -m pytest accessibility_tests --durations=5 || exit 1; \
	echo "Time per part: $${times%, }; in all $$(( $$(date +%s) - $(STARTED) )) s"

# For development: everything except the browser audits.
test-fast: install
	$(BIN)/python -m pytest tests -n auto

# After changing user-facing text: extract msgids and merge them into every catalogue.
translations-update: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --no-location --sort-output --omit-header .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --no-location --width=120

# Hostile input: Hypothesis-made form data for every POST endpoint in kk, ru and en, 500 examples each
# (`make test` runs the same file with the default 25).
fuzz: install
	KOMEK_FUZZ_EXAMPLES=500 $(BIN)/python -m pytest tests/fuzz -q -p no:logging

benchmarks: install benchmark-load
	$(BIN)/python -m benchmarks.page_weight
	$(BIN)/python -m benchmarks.search_benchmark

# Load (benchmarks/load.py): wrk against gunicorn on loopback, on SQLite, then on throw-away PostgreSQL and
# Redis that commit durably as production does. About 4 minutes each; writes benchmarks/results/load-*.md.
benchmark-load: install services wrk
	$(BIN)/python -m benchmarks.load --engine sqlite
	@services=$$(KOMEK_DURABLE_SERVICES=1 tools/test_services.sh start) || exit 1; eval "$$services"; \
	trap 'tools/test_services.sh stop "$$KOMEK_TEST_SERVICES_DIR"' EXIT; \
	$(BIN)/python -m benchmarks.load --engine postgresql

clean:
	rm -rf $(VENV) node_modules static/build instance
