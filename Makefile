# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint audit check diagrams messages bench bench-scale screenshots mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools

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

## make bench: the benchmarks (the HTTP one needs wrk and PostgreSQL); figures go to
## var/bench/*.json and docs/benchmarks.md (not part of make test)
bench: $(INSTALLED)
	$(BIN)/python -m tests.bench.bench_documents --out var/bench/documents.json
	$(BIN)/python -m tests.bench.bench_lock --out var/bench/lock.json
	$(BIN)/python -m tests.bench.bench_pdf --out var/bench/pdf.json
	$(BIN)/python -m tests.bench.bench_reminders --out var/bench/reminders.json
	$(BIN)/python -m tests.bench.bench_http --out var/bench/http-sqlite.json
	psql -h 127.0.0.1 -U postgres -c 'create database midwest_bench_http'
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/midwest_bench_http \
		$(BIN)/python -m tests.bench.bench_http --out var/bench/http-pg.json; \
		status=$$?; psql -h 127.0.0.1 -U postgres -c 'drop database midwest_bench_http'; exit $$status
	$(BIN)/python -m tests.bench.report var/bench/http-sqlite.json var/bench/http-pg.json

## make bench-scale: 1,000,000 items and 10,000,000 history rows on PostgreSQL against a
## small database (about 3 minutes and 2.2 GiB, dropped afterwards)
bench-scale: $(INSTALLED)
	psql -h 127.0.0.1 -U postgres -c 'create database midwest_bench_scale' \
		-c 'create database midwest_bench_small'
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/midwest_bench_scale \
		$(BIN)/python -m tests.bench.generate_scale --out var/bench/scale-generate.json && \
	$(BIN)/python -m tests.bench.bench_scale \
		--small-url postgres://postgres@127.0.0.1:5432/midwest_bench_small \
		--large-url postgres://postgres@127.0.0.1:5432/midwest_bench_scale \
		--out var/bench/scale.json; \
		status=$$?; psql -h 127.0.0.1 -U postgres -c 'drop database midwest_bench_small' \
		-c 'drop database midwest_bench_scale'; exit $$status

## make mutate: mutation testing (mutmut) of workflows/ and backend/reminders/services.py
## against the fast tests, then the kill rate per file (not part of make test; slow: narrow
## it with MUTANTS='workflows.engine.*', the figures of a run are in docs/mutation.md)
MUTANTS ?=
MUTATE_JOBS ?= 2
mutate: $(INSTALLED)
	rm -rf mutants
	MIDWEST_VAR_DIR=$(CURDIR)/var $(BIN)/mutmut run --max-children $(MUTATE_JOBS) $(MUTANTS)
	$(BIN)/python -m tests.mutation.report

## make screenshots: the browser journey, saving its pictures to docs/screenshots/
screenshots: $(INSTALLED)
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest tests/web/test_browser.py tests/web/test_browser_day.py \
		tests/web/test_browser_signing.py tests/web/test_browser_public.py

## make lint: ruff (lint and format), mypy and the import contracts (import-linter)
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy backend workflows
	$(BIN)/lint-imports

## make audit: the installed packages against PyPI's advisory data (pip-audit); it needs
## PyPI's per-release JSON API (/pypi/NAME/VERSION/json), and says plainly when it cannot
## reach it instead of passing silently
audit: $(INSTALLED)
	@if curl -fsS -o /dev/null --max-time 10 https://pypi.org/pypi/django/5.2/json 2>/dev/null; then \
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
	rm -rf $(VENV) var/*.sqlite3* var/static mutants
