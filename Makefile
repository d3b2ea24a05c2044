# The two commands of the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= portal.settings

.PHONY: run sample test serve lint format venv install install-dev migrate demo messages compilemessages check-deploy clean mutate

$(VENV)/.created:
	@PYTHON=$$(scripts/find-python) && echo "Using $$PYTHON" && $$PYTHON -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: requirements.txt $(VENV)/.created
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The compiled .mo files are committed too, so a machine without gettext still runs.
compilemessages: install
	@if command -v msgfmt >/dev/null && ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=tests -v 0; \
	else echo "msgfmt not found (apt-get install gettext): using the committed translations"; fi

## make run — the embedded default: SQLite, tasks in-process, mails in /dev/mailbox/.
run: export DEBUG = true
# Links in the development mailbox's e-mails point at the port the portal runs on.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
# The server's banner ends with the addresses and the demo accounts (runserver_demo); its
# "development server" warning is what `make run` is, not news to the newcomer.
run: export DJANGO_RUNSERVER_HIDE_WARNING = true
run: install compilemessages
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_demo
	$(PY) manage.py runserver_demo 127.0.0.1:$(PORT)

## make sample — the sample relying application (sample_app/), the demo's "Dimona", on
## http://127.0.0.1:8001, signing in through the portal of `make run` (one terminal each).
## `load_demo` registered its client; PORT / SAMPLE_PORT move either side.
SAMPLE_PORT ?= 8001
$(VENV)/.installed-sample: sample_app/requirements.txt $(VENV)/.created
	$(PY) -m pip install --quiet -r sample_app/requirements.txt
	@touch $@

sample: export PORTAL_URL ?= http://127.0.0.1:$(PORT)
sample: export SAMPLE_URL ?= http://127.0.0.1:$(SAMPLE_PORT)
sample: $(VENV)/.installed-sample
	$(PY) -m flask --app sample_app.app run --host 127.0.0.1 --port $(SAMPLE_PORT)

## make test — the whole suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set).
test: install-dev compilemessages
	@if command -v npm >/dev/null && { [ ! -d tests/browser/node_modules/axe-core ] || \
		[ ! -d tests/browser/node_modules/oidc-provider ]; }; then \
		npm ci --prefix tests/browser --no-audit --no-fund >/dev/null || true; fi
	DJANGO_SETTINGS_MODULE=portal.settings_test $(PY) -m pytest $(PYTEST_ARGS)

## make serve — the production processes on one machine (gunicorn, worker, beat): the
## README's commands (tests/test_readme_production.py compares them).
serve: install compilemessages
	@test -n "$$DATABASE_URL" || (echo "Set DATABASE_URL (postgres://...)"; exit 1)
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL (redis://...)"; exit 1)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity=0
	@trap 'kill 0' EXIT INT TERM; \
	$(VENV)/bin/celery -A portal worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2} & \
	$(VENV)/bin/celery -A portal beat --loglevel=INFO & \
	$(VENV)/bin/gunicorn portal.wsgi --workers=$${WEB_CONCURRENCY:-2} --bind=127.0.0.1:$(PORT) --access-logfile=- & \
	wait

## make mutate — mutation testing of the access rules (slow; not part of CI): each mutant of
## the chain table, the access model and the loaders must fail the matrices. MUTATE_ARGS:
## --list, --only SUBSTRING, --timeout SECONDS.
mutate: install-dev
	DJANGO_SETTINGS_MODULE=portal.settings_test $(PY) scripts/mutate.py $(MUTATE_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Translations: extract, then compile (compilation also runs in run/test).
messages: install
	DEBUG=true $(PY) manage.py makemessages -l fr -l nl -l de -l en --ignore=.venv --ignore=bench --ignore=tests --no-obsolete

check-deploy: install
	DEBUG=false SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=egov.example EMAIL_HOST=smtp.example \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles
