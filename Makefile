# intlportal — the two commands a newcomer needs:
#   make run    set up .venv, install, migrate, seed the demo and serve on http://127.0.0.1:8000
#   make test   set up .venv and run the whole test suite (SQLite)
# Everything else here is what those two are made of, plus CI helpers.

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PASSWORD ?= intlportal-demo

.PHONY: run test setup test-servers migrate seed serve test-postgres test-faults test-celery lint check-deploy messages clean

run: setup migrate seed serve

test: setup test-servers
	$(PY) -m pytest -q -n 2 -m "not celery_worker and not browser and not faults"

$(VENV)/bin/python:
	@PYBIN=$$(scripts/find-python.sh) || exit 1; \
	echo "Creating $(VENV) with $$PYBIN"; \
	"$$PYBIN" -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	scripts/system-packages.sh build
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $(STAMP)

setup: $(STAMP)

# What the sign-in tests start: slapd (Debian's OpenLDAP server, run as a user process on a free
# port) and a CAS server (django-cas-server, a Django app on Django 5.2, in its own .venv-cas).
CAS_VENV := .venv-cas
CAS_STAMP := $(CAS_VENV)/.installed

$(CAS_STAMP): tests/accounts/cas_server/requirements.txt
	@PYBIN=$$(scripts/find-python.sh) || exit 1; "$$PYBIN" -m venv $(CAS_VENV)
	$(CAS_VENV)/bin/pip install --quiet --upgrade pip
	$(CAS_VENV)/bin/pip install --quiet -r tests/accounts/cas_server/requirements.txt
	@touch $(CAS_STAMP)

test-servers: $(CAS_STAMP)
	scripts/system-packages.sh test

migrate: setup
	$(PY) manage.py migrate --noinput

seed: setup
	$(PY) manage.py seed_demo --password "$(PASSWORD)"

# DEBUG is off unless INTLPORTAL_DEBUG=1; static files come from whitenoise either way.
serve: setup
	@echo "Serving on http://$(HOST):$(PORT)/ — sign in as office, leader or coordinator (password: $(PASSWORD))"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite against PostgreSQL (127.0.0.1:5432, user postgres, trust auth).
test-postgres: setup test-servers
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/intlportal} $(PY) -m pytest -q -n 2 -m "not celery_worker and not browser and not faults"

# The fault suite (tests/faults, see its README): its own redis-server, Celery worker/beat and SMTP
# server, killed and restarted under saves, imports and notifications; two imports racing.
# On PostgreSQL (the production database) unless DATABASE_URL says otherwise (DATABASE_URL= runs it
# on a file-based SQLite test database); FAULT_SMTP_OUTAGE_SECONDS (default 60) sets the mail outage.
test-faults: setup
	DATABASE_URL=$${DATABASE_URL-postgres://postgres@127.0.0.1:5432/intlportal_faults} $(PY) -m pytest -q -n 0 -m faults tests/faults

# One task through a real Celery worker on Redis.
test-celery: setup
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(PY) -m pytest -q -m celery_worker

lint: setup
	$(VENV)/bin/ruff check .

check-deploy: setup
	INTLPORTAL_MODE=production SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=portal.example.edu.cn $(PY) manage.py check --deploy --fail-level WARNING

# Refresh the one Chinese catalogue (locale/zh_Hans) from every app and template, then compile it.
# Fill each new msgstr (no fuzzy entry left) and run `make messages` again to compile.
messages: setup
	$(PY) manage.py makemessages -l zh_Hans --ignore='.venv/*' --ignore='.venv-cas/*' --ignore='tests/*' --ignore='bench/*' \
	  --ignore='node_modules/*' --ignore='staticfiles/*'
	$(PY) manage.py compilemessages -l zh_Hans --ignore='.venv/*' --ignore='.venv-cas/*'

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles
