# SASMS — set-up, run and test. Everything a fresh Debian machine needs is installed from here.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
SASMS := $(BIN)/sasms
DEBIAN_PACKAGES := gettext chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 dovecot-imapd prometheus-alertmanager postgresql-client sqlite3
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/sasms
# Third-party real-world test data, kept outside the repository (README: "Tests and the real-world corpus").
SASMS_CORPUS_DIR ?= ../shared/fixtures
export SASMS_CORPUS_DIR
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help run test corpus-notice setup system-packages python-deps assets messages lint typecheck pytest-sqlite pytest-postgres demo clean

help:
	@echo "make run   — set up and serve SASMS on http://127.0.0.1:8000 (SQLite under var/, demo data)"
	@echo "make test  — set up and run lint, type check and every test (SQLite and PostgreSQL)"

# Embedded mode serves static files from the code, so there is no collectstatic step. The demo
# log-ins are the last thing printed before the line saying where SASMS serves.
run: setup
	$(SASMS) migrate --noinput
	$(SASMS) demo --if-empty
	@$(SASMS) run

test: corpus-notice setup system-packages lint typecheck pytest-sqlite pytest-postgres

# Said before anything else: without the corpus, the tests that need it are deselected (not skipped).
corpus-notice:
	@if [ -d "$(SASMS_CORPUS_DIR)" ]; then echo "Real-world corpus: $(SASMS_CORPUS_DIR)"; \
	else echo "real-world corpus not found at $(SASMS_CORPUS_DIR): tests that need it will not be run" \
	  "(README: 'Tests and the real-world corpus')"; \
	  if [ -n "$$SASMS_REQUIRE_CORPUS" ] && [ "$$SASMS_REQUIRE_CORPUS" != 0 ]; then \
	    echo "SASMS_REQUIRE_CORPUS says this run needs it."; exit 1; fi; \
	fi

setup: python-deps assets messages

system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q uv==$(UV_VERSION)

python-deps: $(UV)
	$(UV) sync --frozen --python $(PYTHON)

assets: node_modules/.package-lock.json
	mkdir -p src/sasms/static/vendor/bootstrap src/sasms/static/vendor/bootstrap-icons src/sasms/static/vendor/chartjs
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* src/sasms/static/vendor/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts src/sasms/static/vendor/bootstrap-icons/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map src/sasms/static/vendor/chartjs/

# npm ci again only when the lock file changed.
node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error

# msgfmt as compilemessages runs it, without starting Django; only for catalogues that changed.
MESSAGE_CATALOGUES := $(patsubst %.po,%.mo,$(wildcard src/sasms/locale/*/LC_MESSAGES/*.po))
messages: $(MESSAGE_CATALOGUES)

%.mo: %.po
	@command -v msgfmt >/dev/null || $(MAKE) --no-print-directory system-packages
	msgfmt --check-format -o $@ $<

lint: python-deps
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python tools/check_translations.py

typecheck: python-deps
	$(BIN)/mypy src tests bench

pytest-sqlite:
	DATABASE_URL=sqlite:///$(CURDIR)/var/test-run.sqlite3 $(BIN)/pytest -n 2 -p no:cacheprovider

pytest-postgres:
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -n 2 -p no:cacheprovider

demo: setup
	$(SASMS) migrate --noinput
	$(SASMS) demo

clean:
	rm -rf $(VENV) $(TOOLS) node_modules src/sasms/static/vendor var
