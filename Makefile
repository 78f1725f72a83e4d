# The two commands: `make run` and `make test`. Everything else is their set-up.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 5000
export HOST PORT

.PHONY: install run test test-long serve clean messages bench

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Translation catalogues are compiled at set-up (the .mo files are not committed).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

install: $(VENV)/.installed node_modules/.installed $(MO_FILES)

# Refresh the catalogues after changing user-visible strings (then translate vi and commit).
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --no-location --sort-output .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

# Development server on http://$(HOST):$(PORT): migrate, seed an empty store, serve.
run: install
	GIS_ENV=$${GIS_ENV:-development} $(PY) -m flask --app app db upgrade
	GIS_ENV=$${GIS_ENV:-development} $(PY) -m flask --app app seed --if-empty
	GIS_ENV=$${GIS_ENV:-development} $(PY) -m flask --app app run --host $(HOST) --port $(PORT)

# Production-style serving (gunicorn, 2 workers); needs SECRET_KEY in the environment.
serve: install
	$(PY) -m flask --app app db upgrade
	$(PY) -m flask --app app seed --if-empty
	$(VENV)/bin/gunicorn -w 2 -b $(HOST):$(PORT) 'app:create_app()'

test: install
	$(PY) -m pytest

# The long variants of the crash, concurrency and fuzz tests (docs/reliability.md); about 7 minutes.
test-long: install
	$(PY) -m pytest -m slow

# Benchmarks: regenerates docs/benchmarks.md (peers in bench/.peers/, data and raw results in
# bench/out/); about 45 minutes. Shorter: BENCH_SIZES=1000,10000 BENCH_DURATION=5 make bench
bench: install
	$(PY) -m pip install --quiet -r requirements-bench.txt
	bash bench/setup.sh
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache
