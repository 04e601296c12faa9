# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run demo archive test test-sqlite test-postgres install system-deps lint lock bench cluster-bench outage messages

# requirements.lock: what production runs (the Docker image installs it alone); requirements-dev.lock:
# the same pins plus the test and lint tools, for `make install` and the suite.
$(VENV)/.installed: requirements.lock requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

## Serve the site on http://127.0.0.1:$(PORT), with the worker that sends the followers' messages
## beside it (stopped with the server; in development it prints them in this terminal).
## The Clermont data is loaded only into the default embedded database (db.sqlite3, when
## DATABASE_URL is not set): `DATABASE_URL=sqlite:////path/to/new.sqlite3 make run` serves that
## database as it is (an empty convention after `migrate`). SEED names what to load: `make run
## SEED=` loads nothing, `make run SEED=clermont` loads Clermont into an empty database.
## SITE_URL (the address in the messages' links) is this server's, unless set.
SEED ?= $(if $(DATABASE_URL),,clermont)
SITE_URL ?= http://127.0.0.1:$(PORT)
RUN_ENV := DJANGO_DEBUG=true SITE_URL=$(SITE_URL)
run: install .env
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(if $(SEED),$(RUN_ENV) $(PY) manage.py seed $(SEED))
	$(RUN_ENV) $(PY) manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	  trap 'kill $$worker' EXIT INT TERM; \
	  $(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## The development settings that local commands read (manage.py ...): written once, never overwritten.
.env:
	@printf '%s\n' '# Development settings written by `make run` (never commit this file; see .env.example).' \
	  'DJANGO_DEBUG=true' "DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote $@ (development settings)."

## A fictitious national convention (6 axes, 146 measures, two reviews), in its own SQLite file
## demo.sqlite3 (never beside real data), on http://127.0.0.1:$(PORT): `make demo PORT=8002`.
DEMO_DB := DATABASE_URL=sqlite:///$(CURDIR)/demo.sqlite3
demo: install
	$(DEMO_DB) DJANGO_DEBUG=true $(PY) manage.py migrate --noinput
	$(DEMO_DB) DJANGO_DEBUG=true $(PY) manage.py generate_demo
	$(DEMO_DB) DJANGO_DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

## The whole public site as static files in ARCHIVE_DIR, a new folder (pages, documents, open
## data, static files, SHA256SUMS, LISEZMOI.html), from the database the settings name: for when
## the follow-up ends (README, «Archiver le site»). `make archive ARCHIVE_DIR=/srv/archive`.
ARCHIVE_DIR ?= archive-$(shell date +%Y-%m-%d)
archive: install
	$(PY) manage.py archive_site $(ARCHIVE_DIR)

## What the suite needs from Debian: Chromium for the browser tests, poppler-utils for pdftotext,
## Redis for the shared cache, nginx for the proxy in front, wrk for the benchmarks, PostgreSQL 15.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null || ! command -v redis-server >/dev/null \
	    || ! command -v nginx >/dev/null || ! command -v wrk >/dev/null || ! test -x /usr/lib/postgresql/15/bin/initdb; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium poppler-utils redis-server nginx-light wrk postgresql-15 >/dev/null; \
	fi

## The whole suite on SQLite with a throwaway Redis as the cache, then again on a throwaway
## PostgreSQL 15 cluster with the default local-memory cache. Each pass runs in TEST_WORKERS
## processes (pytest-xdist; one per core: `make test TEST_WORKERS=4`), the browser tests all in
## the same one (tests/conftest.py); each has its own test database and Redis database.
## Every test runs in both passes except those marked `postgres` (they need PostgreSQL:
## tests/conftest.py deselects them on SQLite) and three kinds that run once: the browser tests
## (`browser`: what they check is the browser's side, widths, accessibility, keyboard, forms
## without JavaScript, the same HTML whatever engine serves the data) against production's
## engine, in the PostgreSQL pass; the tests with a database of their own (`own_database`: a
## developer's SQLite file) in the SQLite pass; and the tests whose subject does not depend on the
## engine (`engine_independent(reason)`: a PDF's conformance, nginx's rules, the archive's crawl,
## the demo, which `make demo` serves from SQLite) in the SQLite pass. Run by hand, pytest runs
## those three on either engine.
TEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS)
test: install system-deps lint
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: install
	env -u DATABASE_URL bin/with-redis $(PYTEST) -m 'not browser' $(PYTEST_ARGS)

test-postgres: install
	bin/with-postgres bin/with-redis sh -c 'TEST_REDIS_URL=$$REDIS_URL; unset REDIS_URL; export TEST_REDIS_URL; exec $(PYTEST) -m "not own_database and not engine_independent" $(PYTEST_ARGS)'

## Style, then the import contracts (pyproject.toml, `[tool.importlinter]`: the layers, no cycle,
## imports at module level).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

## Re-pin every dependency after changing pyproject.toml: production's set, then the
## development set on top of it (the same versions, plus the `dev` extra).
LOCK_FLAGS := --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: install
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml

## Refresh the French catalogue after changing texts: French is the source, so msgen copies
## each text as its own translation (what gives French plural rules); the .mo is committed.
## It starts afresh each time: with French as the source there is no translation to keep.
messages: install
	rm -f locale/fr/LC_MESSAGES/django.po
	DJANGO_DEBUG=true $(PY) manage.py makemessages -l fr --ignore=.venv --ignore=staticfiles --ignore=tests
	msgen locale/fr/LC_MESSAGES/django.po -o locale/fr/LC_MESSAGES/django.po
	sed -i '/^#, fuzzy$$/d; s/^"Language: \\n"/"Language: fr\\n"/; s/charset=CHARSET/charset=UTF-8/' locale/fr/LC_MESSAGES/django.po
	DJANGO_DEBUG=true $(PY) manage.py compilemessages -l fr --ignore=.venv

## Requests per second and p99 of the public pages against a static file of the same size
## (gunicorn + PostgreSQL on loopback, wrk); about four minutes.
bench: install system-deps
	bin/with-postgres $(PY) bench/pages.py

## Two gunicorn servers sharing PostgreSQL and Redis behind nginx, all on loopback: throughput
## and p99 through nginx vs one server, how fast a change reaches the other server and nginx,
## a publication under 200 connections, and a rolling restart of both servers under load (its
## errors and 502s: 0 expected); at most five minutes. `make cluster-bench CLUSTER_BENCH=rolling`:
## the rolling restart alone, under a minute.
CLUSTER_BENCH ?=
cluster-bench: install system-deps
	bin/with-postgres bin/with-redis $(PY) bench/cluster.py $(CLUSTER_BENCH)

## Publishing the review with 10,000 followers vs none (the ratio), then the real worker sending
## every message to a local SMTP server (messages per second); PostgreSQL on loopback, a few minutes.
.PHONY: bench-follow
bench-follow: install system-deps
	bin/with-postgres $(PY) bench/follow.py

## PostgreSQL stopped under load, then restarted: counts of each status code per phase.
outage: install
	bin/with-postgres $(PY) bench/outage.py

## Build the Dockerfile with podman (runc; a debootstrap stand-in when the Python base image
## cannot be pulled) and run the image for real against a throwaway PostgreSQL and Redis:
## /sante/, the Clermont figures against the review's JSON, the stored PDF, the HEALTHCHECK,
## no test tool and no local file inside, the plain-HTTP trial. A few minutes: not in `make test`.
.PHONY: image-check
image-check: install
	bin/with-postgres bin/with-redis $(PY) bin/image-check

## docker-compose.yml itself with podman-compose, over plain HTTP on 127.0.0.1:8000, every service
## (PostgreSQL, Redis, the migrate job, two web replicas, the worker, nginx), as the README's
## instructions say: waits for each replica's health check and for nginx to answer through each,
## then nginx's cache, the PDF, both replicas, and a rolling restart of the replicas under load
## through nginx (0 errors). A few minutes; from a clean state each time (volumes removed).
.PHONY: compose-check
compose-check: install
	$(PY) bin/image-check --compose
