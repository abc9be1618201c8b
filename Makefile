# The two commands of the README: `make run` and `make test`. Both are idempotent and quick when
# nothing is missing. Helpers: `make demo` (regenerate demo data), `make lint`, `make bench`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/warehouse.duckdb
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test env demo lint typecheck pytest bench clean

# the environment: a venv with the package (editable) and the test tools
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]'
	touch $@

env: $(VENV)/.installed

# demo data: generated once; `make demo` regenerates and reloads
$(DB): | $(VENV)/.installed
	$(BIN)/reports --db $(DB) demo

demo: env
	$(BIN)/reports --db $(DB) demo

run: env $(DB)
	@echo
	@echo "Demo warehouse ready at $(DB). What it holds:"
	$(BIN)/reports --db $(DB) status

lint: env
	$(BIN)/ruff check reports tests bench

typecheck: env
	$(BIN)/mypy

pytest: env
	$(BIN)/pytest -q

test: env
	$(BIN)/ruff check reports tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: env
	$(BIN)/python bench/ingest_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
