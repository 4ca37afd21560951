# Hiwar — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
# Paths that ruff checks (bench/ exists once the grouping benchmark is written).
LINT_PATHS := src tests scripts $(wildcard bench)
# Tests run in parallel on the machine's cores (pytest-xdist).
PYTEST_WORKERS ?= auto

.PHONY: demo test install install-dev lint format messages migrations-check bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# axe-core for the accessibility browser tests, pinned in package-lock.json (skipped without npm).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "== npm is missing: the accessibility tests will be skipped (apt-get install nodejs npm)"; \
	fi

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

## make demo: start everything on an embedded SQLite database with the Arabic demo data.
demo: install
	HIWAR_HOME=$${HIWAR_HOME:-var} $(BIN)/hiwar demo --port $(PORT)

## make test: the whole suite on SQLite; again on PostgreSQL when HIWAR_TEST_DATABASE_URL is set;
## browser tests when /usr/bin/chromium exists.
test: install-dev
	$(BIN)/ruff check $(LINT_PATHS)
	HIWAR_HOME=$$(mktemp -d) $(BIN)/hiwar manage makemigrations --check --dry-run
	$(MAKE) messages-check
	env -u HIWAR_TEST_DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider
	@if [ -n "$$HIWAR_TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL ($$HIWAR_TEST_DATABASE_URL)"; \
		$(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider; \
	fi

lint: install-dev
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

format: install-dev
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

## make messages: extract strings into the six catalogues and compile them.
messages: install-dev
	cd src/hiwar && ../../$(BIN)/django-admin makemessages --settings=hiwar.settings -l ar -l en -l fr -l es -l ru -l zh_Hans --no-location --no-obsolete
	cd src/hiwar && ../../$(BIN)/django-admin compilemessages --settings=hiwar.settings

## The compiled catalogues must match the sources (a stale .mo shows old text).
messages-check:
	$(PY) scripts/check_messages.py

bench: install-dev
	$(PY) bench/grouping.py --quick

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache node_modules
