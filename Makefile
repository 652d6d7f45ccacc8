# Two commands on a fresh machine that has only Python 3.11:
#   make run   - install from uv.lock, build the warehouse from data/raw through Dagster
#   make test  - install from uv.lock, run the test suite
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export WAREHOUSE_PATH ?= $(CURDIR)/data/warehouse.duckdb
export RAW_DIR ?= $(CURDIR)/data/raw
export DAGSTER_HOME ?= $(CURDIR)/.dagster
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: install run test ui manifest lint clean browser bench dbt-docs crash-test

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (as on our CI machines) nothing
# else writes .pyc files, and every process (each dbt call, parse worker, Dagster step, GE
# run) would compile Dagster, dbt and GE from source again: ~5-7 s of CPU per process.
$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	touch $@

install: $(VENV)/.installed

# The dbt manifest is built at build/test time, never at import.
manifest: install
	cd dbt && ../$(VENV)/bin/dbt parse --quiet --profiles-dir . --target-path target

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME) && cp dagster.yaml $@

run: manifest $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/python -m dagster_project.run

# The browser checks (Data Docs and overview screenshots) need Chromium and a
# CJK font; on Debian/Ubuntu they are installed here when missing (root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=zh | grep -q . || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y --no-install-recommends chromium fonts-noto-cjk >/dev/null 2>&1 || \
	  { $$SUDO apt-get update >/dev/null 2>&1 && $$SUDO apt-get install -y --no-install-recommends chromium fonts-noto-cjk >/dev/null; } || \
	  echo "browser: could not install chromium + fonts-noto-cjk; the browser tests will fail" >&2; }

test: manifest browser
	$(VENV)/bin/python -m pytest -q

ui: manifest $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/dagster dev -m dagster_project.definitions

dbt-docs: manifest
	cd dbt && ../$(VENV)/bin/dbt docs generate --static --profiles-dir . --target-path target
	@echo "open dbt/target/static_index.html"

crash-test: manifest $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/python scripts/kill_rerun.py

BENCH_SIZES ?= 1000,10000  # 100000: make bench BENCH_SIZES=1000,10000,100000 (about 25 minutes, docs/scaling.md)
bench: manifest
	$(VENV)/bin/python -m bench.run --sizes $(BENCH_SIZES)

lint: install
	$(VENV)/bin/ruff check ingest dagster_project expectations tests scripts bench

clean:
	rm -rf $(VENV) $(TOOLS) $(DAGSTER_HOME) dbt/target dbt/logs data/warehouse.duckdb data/quality_docs data/overview
