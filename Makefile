# leadflow: `make demo` and `make test` work on a fresh machine (they create .venv themselves).
SHELL := /bin/bash
# pytest workers (pytest-xdist): each test file runs on one worker, dbt runs in subprocesses
TEST_WORKERS ?= 2
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
LEADS ?= 10000
EVENTS ?= 100
SEED ?= 42

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export LEADFLOW_DB ?= $(CURDIR)/leadflow.duckdb

.PHONY: help setup browser data freshness build validate summary sync docs report screenshot demo test test-spark lint clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

setup: $(VENV)/.installed ## create the virtualenv with the pinned dependencies

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

browser: ## headless Chromium for the report test (Debian's chromium, when root); else the test skips, saying so
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium not installed (needs root and apt-get): the browser check of the report will be skipped"

data: setup ## generate demo raw data (LEADS, EVENTS, SEED) into $LEADFLOW_DB
	$(PY) scripts/generate_data.py --leads $(LEADS) --events-per-lead $(EVENTS) --seed $(SEED)

freshness: setup ## dbt source freshness (the loaders' _fivetran_synced / received_at)
	$(DBT) source freshness

build: setup ## dbt build (seeds, models, tests) against $LEADFLOW_DB
	$(DBT) build

validate: setup ## Great Expectations suites on the marts (expectations/marts.yml); Data Docs in target/gx
	$(PY) scripts/validate_marts.py

summary: setup ## print row counts per layer and what was quarantined
	$(PY) scripts/summary.py

sync: setup ## reverse ETL dry run: changed rows as Salesforce Bulk CSV / HubSpot JSON under target/sync (PUSH=1 sends)
	$(PY) scripts/sync_crm.py $(if $(PUSH),--push,--dry-run)

docs: setup ## dbt docs generate: the lineage and documentation site under target/ (dbt docs serve to browse)
	$(DBT) docs generate

report: setup ## the HTML report (funnel, fit x intent, SLA, workload, quarantine) in target/report/
	$(PY) scripts/report.py

screenshot: setup browser ## regenerate docs/report.png (the README's picture) from the built database
	$(PY) scripts/report.py --screenshot docs/report.png

demo: data freshness build validate summary sync docs report ## set up, generate, build, validate and show the results

lint: setup ## sqlfluff over every model, macro-rendered
	$(VENV)/bin/sqlfluff lint models tests analyses

test: setup browser ## the whole test suite (pytest drives the generator and dbt; lint included), on 2 workers
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile tests/python

test-spark: setup ## the whole project on a local Spark session, every staging, intermediate and mart relation compared with DuckDB (Java 17)
	$(PY) scripts/spark_check.py

clean: ## remove build output and the demo database
	rm -rf target logs $(LEADFLOW_DB) $(LEADFLOW_DB).generator.json
