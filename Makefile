# danvan — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
# uv from PATH, else the one pip installs as a module of this Python.
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
export UV_LINK_MODE ?= copy
DEMO_ENV := DANVAN_DEBUG=1 DANVAN_SQLITE_NAME=demo.sqlite3
MANAGE := $(UV) run --frozen python manage.py

.PHONY: demo demo-db test test-sqlite test-postgres test-browser lint format bench install messages

install:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --quiet

demo-db: install
	rm -f var/demo.sqlite3 var/demo.sqlite3-wal var/demo.sqlite3-shm
	mkdir -p var
	$(DEMO_ENV) $(MANAGE) migrate --no-input -v 0
	$(DEMO_ENV) $(MANAGE) build_demo

demo: demo-db
	@echo "Serving on http://127.0.0.1:8000 — sign in with a login above (Ctrl+C to stop)."
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:8000

test: install
	$(UV) run --frozen pytest -q

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(UV) run --frozen pytest -q

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	DANVAN_DEBUG=1 $(UV) run --frozen mypy danvan
	mkdir -p var
	DANVAN_DEBUG=1 $(MANAGE) makemigrations --check --dry-run

format: install
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

messages: install
	cd danvan && DANVAN_DEBUG=1 $(UV) run --frozen django-admin makemessages -l vi --no-obsolete --ignore "reports/checker/*"
	cd danvan && DANVAN_DEBUG=1 $(UV) run --frozen django-admin compilemessages

bench: install
	$(UV) run --frozen python benchmarks/run.py
