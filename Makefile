# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUN_DIR ?= run
RUN_DB := $(RUN_DIR)/calendar.db
PORT ?= 8080
APP := $(VENV)/bin/calendar-app

.PHONY: install run test fuzz lint bench bench-deps clean system-deps translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## run: load the demo into a fresh SQLite file, show it, make two feeds, then serve them with the
## reminder dispatcher beside the server (mail goes to the local outbox run/outbox); Ctrl-C stops
run: install
	rm -rf $(RUN_DIR) && mkdir -p $(RUN_DIR)
	$(APP) --db $(RUN_DB) demo load
	$(APP) --db $(RUN_DB) event list
	$(APP) --db $(RUN_DB) agenda --from 2020-05-04 --days 14
	CALENDAR_APP_BASE_URL=http://127.0.0.1:$(PORT) $(APP) --db $(RUN_DB) feed add public-events --visibility public
	CALENDAR_APP_BASE_URL=http://127.0.0.1:$(PORT) $(APP) --db $(RUN_DB) feed add staff --private \
	  --visibility public --visibility internal
	CALENDAR_APP_OUTBOX=$(RUN_DIR)/outbox $(APP) --db $(RUN_DB) serve --host 127.0.0.1 --port $(PORT)

## test: lint, type-check and run the whole suite (PostgreSQL on 127.0.0.1:5432 when it answers)
test: install system-deps lint
	$(PY) -m pytest -q

## fuzz: the property-based fuzz test with the long Hypothesis profile (thousands of generated CLI
## arguments and .ics files; shrinks a failure to its smallest form), then the hostile corpus
fuzz: install
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q tests/test_issue_fuzz.py tests/test_issue_hostile_corpus.py

## system-deps: Debian's headless Chromium, which opens the HTML campaign report in the tests.
## Installed when missing and we may (root with apt-get, as in CI); otherwise that test skips locally.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "note: chromium is not installed; the HTML report test will skip (CI=true makes it fail)"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy calendar_app commands events exports cli.py tests bench

## translations: extract the messages and help of the source (babel.cfg) into
## calendar_app/i18n/locale/messages.pot, bring the mn, ky and ru .po files up to date (new messages come
## empty: translate them) and compile the .mo files the CLI reads; tests/test_i18n.py fails until all are done
translations: install
	$(PY) -m calendar_app.i18n.extract

## bench-deps: Debian's nginx and wrk, the baselines of the feed server's benchmark. Installed when missing
## and we may (root with apt-get); otherwise those lines of `make bench` print MISSED with the reason.
bench-deps:
	@command -v nginx >/dev/null 2>&1 && command -v wrk >/dev/null 2>&1 \
	  || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null; } \
	  || echo "note: nginx or wrk is not installed; the feed server's lines of the bench will print MISSED"

## bench: the benchmarks of bench/, each line judged OK or MISSED against a baseline of the same run
## (the bench extra brings khal, the baseline of the prompt's lines)
bench: install bench-deps
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) -m bench

clean:
	rm -rf $(VENV) $(RUN_DIR) build *.egg-info
