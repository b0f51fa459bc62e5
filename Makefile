# Two commands: `make run` (the app with demo data, SQLite, no server to install)
# and `make test` (the whole suite; set DATABASE_URL and REDIS_URL to run it on
# PostgreSQL and Redis, as CI does).

# pyenv reads .python-version (3.13); without pyenv, any Python 3.12+ will do.
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate demo worker lint format clean bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { echo "Python 3.12 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py seed_demo

# The Celery worker (with its beat, for the expiry sweep) runs beside the web
# server on kombu's filesystem broker in var/broker; both stop together.
run: demo
	@mkdir -p var/broker/processed
	@echo "Serving on http://$(HOST):$(PORT)/  (emails: http://$(HOST):$(PORT)/dev/mail/, admin: /admin/)"
	@export SITE_URL=http://$(HOST):$(PORT); trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	$(BIN)/celery -A config worker --beat --pool=solo --loglevel=WARNING --schedule=var/celerybeat-schedule & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(BIN)/celery -A config worker --beat --pool=solo --loglevel=INFO --schedule=var/celerybeat-schedule

test: install
	$(BIN)/python -m pytest

# The benchmarks, rewriting the performance section of docs/benchmarks.md (about 6-10
# minutes). They need PostgreSQL on 127.0.0.1:5432 (user postgres) and Redis on
# 127.0.0.1:6379: each makes and drops a database of its own, and the HTTP one uses Redis
# database 14. `make bench BENCH_FLAGS=--quick` for shorter, indicative runs.
bench: install
	$(BIN)/python bench/run_all.py $(BENCH_FLAGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var db.sqlite3
