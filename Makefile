# danvan — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
# uv from PATH, else the one pip installs as a module of this Python.
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
export UV_LINK_MODE ?= copy
DEMO_ENV := DANVAN_DEBUG=1 DANVAN_SQLITE_NAME=demo.sqlite3
MANAGE := $(UV) run --frozen python manage.py
# `make demo PORT=8001` serves the demo on another port (another demo may hold 8000).
PORT ?= 8000
# The production stack on this machine: PostgreSQL, the database task queue, plain HTTP on
# loopback (so no HTTPS redirect, HSTS or secure-only cookies; behind a TLS proxy keep the
# defaults, see docs/operations.md). The secret key is made once and kept in var/.
SERVE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/danvan
SERVE_BIND ?= 127.0.0.1:8000
SERVE_WORKERS ?= 4
SERVE_ENV = DATABASE_URL=$(SERVE_DATABASE_URL) DANVAN_SECRET_KEY=$$(cat var/secret-key) \
	DANVAN_TASKS_BACKEND=django_tasks_db.DatabaseBackend DANVAN_SSL_REDIRECT=0 \
	DANVAN_HSTS_SECONDS=0 DANVAN_SECURE_COOKIES=0

.PHONY: demo demo-db test test-sqlite test-postgres test-browser lint format bench bench-checker bench-carrying \
	install messages \
	serve serve-db serve-demo-data backup restore

install:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --quiet

demo-db: install
	rm -f var/demo.sqlite3 var/demo.sqlite3-wal var/demo.sqlite3-shm
	mkdir -p var
	$(DEMO_ENV) $(MANAGE) migrate --no-input -v 0
	$(DEMO_ENV) $(MANAGE) build_demo

demo: demo-db
	@echo "Serving on http://127.0.0.1:$(PORT) — sign in with a login above (Ctrl+C to stop)."
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

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

# The report checker's corpus score and timings (seconds), then the import benchmark (minutes).
bench: bench-checker
	$(UV) run --frozen python benchmarks/run.py

bench-checker: install
	$(UV) run --frozen python benchmarks/bench_checker.py

# Carrying the national benchmark's legacy history onto 34 provinces (issue 12), against
# the same roll-up without carrying; needs a copy of the national benchmark's database
# (benchmarks/README.md). `make bench-carrying BENCH_CARRY_DATABASE_URL=…`
BENCH_CARRY_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/danvan_bench_carry
bench-carrying: install
	$(UV) run --frozen python benchmarks/bench_carrying.py --database-url $(BENCH_CARRY_DATABASE_URL)

var/secret-key:
	mkdir -p var
	umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# Create the database if it is missing, migrate, collect static files.
serve-db: install var/secret-key
	@psql "$(dir $(SERVE_DATABASE_URL))postgres" -tAc \
		"SELECT 1 FROM pg_database WHERE datname = '$(notdir $(SERVE_DATABASE_URL))'" | grep -q 1 \
		|| psql "$(dir $(SERVE_DATABASE_URL))postgres" -qc 'CREATE DATABASE "$(notdir $(SERVE_DATABASE_URL))"'
	$(SERVE_ENV) $(MANAGE) migrate --no-input -v 0
	$(SERVE_ENV) $(MANAGE) collectstatic --no-input -v 0

# The demo world in the served database (replaces nothing: run it on an empty one).
serve-demo-data: serve-db
	$(SERVE_ENV) $(MANAGE) build_demo

# gunicorn in front, the task worker beside it; Ctrl+C stops both.
serve: serve-db
	@echo "Serving on http://$(SERVE_BIND) (health: /health/) with the task worker (Ctrl+C to stop)."
	$(SERVE_ENV) $(MANAGE) db_worker --no-reload --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(SERVE_ENV) $(UV) run --frozen gunicorn danvan.wsgi:application --bind $(SERVE_BIND) \
		--workers $(SERVE_WORKERS) --timeout 120 --access-logfile - --forwarded-allow-ips 127.0.0.1 \
		--control-socket var/gunicorn.ctl

backup: install var/secret-key
	$(SERVE_ENV) $(MANAGE) backup_data $(if $(BACKUP),--output $(BACKUP))

restore: install var/secret-key
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<folder> [SERVE_DATABASE_URL=…empty database]"; exit 2; }
	$(SERVE_ENV) $(MANAGE) restore_data $(BACKUP)
