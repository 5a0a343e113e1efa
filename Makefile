# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint audit check diagrams messages bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	touch $@

## make run: install, migrate, load the demo region, serve it on http://127.0.0.1:8000
## with the reminder worker (Ctrl+C stops both)
run: $(INSTALLED)
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py setup_schedules
	DEBUG=1 $(BIN)/python manage.py serve $(HOST):$(PORT)

## make test: install what the tests need and run them (DATABASE_URL picks the database)
test: $(INSTALLED)
	$(BIN)/python -m pytest

## make bench: the benchmarks; their figures go to var/bench/*.json (not part of make test)
bench: $(INSTALLED)
	$(BIN)/python -m tests.bench.bench_documents --out var/bench/documents.json
	$(BIN)/python -m tests.bench.bench_reminders --out var/bench/reminders.json

## make screenshots: the browser journey, saving its pictures to docs/screenshots/
screenshots: $(INSTALLED)
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest tests/web/test_browser.py

## make lint: ruff (lint and format) and mypy
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy backend workflows

## make audit: the installed packages against PyPI's advisory data (pip-audit); it needs
## PyPI's JSON API, and says plainly when it cannot reach it instead of passing silently
audit: $(INSTALLED)
	@if curl -fsS -o /dev/null --max-time 10 https://pypi.org/pypi/pip/json; then \
		$(BIN)/pip-audit --skip-editable --strict --progress-spinner off; \
	else \
		echo "make audit: PyPI's advisory service does not answer here: NO AUDIT WAS DONE."; \
	fi

## make check: lint, the dependency audit, migrations and diagrams up to date, and the tests
check: lint audit
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=1 $(BIN)/python manage.py draw_workflows --check
	$(BIN)/python -m pytest

## make diagrams: redraw the state machines into README.md
diagrams: $(INSTALLED)
	DEBUG=1 $(BIN)/python manage.py draw_workflows

## make messages: collect the translatable texts into the Dutch catalogue and compile it
messages: $(INSTALLED)
	DEBUG=1 $(BIN)/python manage.py makemessages -l nl --ignore=.venv --ignore=tests --ignore=var --no-obsolete
	DEBUG=1 $(BIN)/python manage.py compilemessages -l nl

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
