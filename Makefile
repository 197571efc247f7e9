# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint bench demo clean help

help:
	@echo "make run    set up .venv, migrate, load the demo, start ingest + pipeline + console"
	@echo "make test   set up .venv with dev extras and run the whole test suite"
	@echo "make lint   ruff"
	@echo "make bench  benchmarks (bench/)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	@mkdir -p var
	$(BIN)/inbox db upgrade
	$(BIN)/inbox demo
	$(BIN)/inbox up

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

PG_BENCH = $(if $(INBOX_TEST_POSTGRES_URL),--postgres-url $(INBOX_TEST_POSTGRES_URL),)

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.ingest $(PG_BENCH)
	$(BIN)/python -m bench.console $(PG_BENCH)
	$(BIN)/python -m bench.pipeline $(PG_BENCH)
	$(BIN)/python -m bench.e2e $(PG_BENCH)
	$(BIN)/python -m bench.faults $(PG_BENCH)
	$(PIP) install duckdb-extensions duckdb-extension-sqlite-scanner==1.5.5 duckdb-extension-postgres-scanner==1.5.5 || true; $(BIN)/python -m bench.analytics $(PG_BENCH)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
