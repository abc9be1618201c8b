# The two commands of the README: `make run` and `make test`. Both are idempotent and quick when
# nothing is missing. Helpers: `make demo` (regenerate demo data), `make lint`, `make bench`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/warehouse.duckdb
PORT ?= 8501
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test env system demo lint typecheck pytest bench clean notebooks

# the environment: a venv with the package (editable) and the test tools
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]'
	touch $@

env: $(VENV)/.installed

# system packages (Chromium, a Korean font, poppler, pango): see scripts/install-system-deps.sh
system:
	@bash scripts/install-system-deps.sh

# demo data: generated once; `make demo` regenerates and reloads
$(DB): | $(VENV)/.installed
	$(BIN)/reports --db $(DB) demo

demo: env
	$(BIN)/reports --db $(DB) demo

run: env system $(DB)
	@echo
	@echo "Demo warehouse ready at $(DB). What it holds:"
	$(BIN)/reports --db $(DB) status
	@echo "Starting the app on http://127.0.0.1:$(PORT) (Ctrl-C stops it)"
	$(BIN)/reports --db $(DB) serve --port $(PORT)

# analyst notebooks: JupyterLab on notebooks/ against the demo warehouse, on 127.0.0.1 without a
# browser (open the URL it prints); NOTEBOOK_PORT picks the port (default 8888)
notebooks: env $(DB)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test,notebooks]'
	REPORTS_DB="$(abspath $(DB))" REPORTS_CONFIG="$(CURDIR)/reports.toml" \
		$(BIN)/jupyter lab --ServerApp.root_dir=notebooks --ServerApp.ip=127.0.0.1 \
		--ServerApp.port=$${NOTEBOOK_PORT:-8888} --ServerApp.open_browser=False \
		$$([ "$$(id -u)" = 0 ] && echo --allow-root)

lint: env
	$(BIN)/ruff check reports tests bench

typecheck: env
	$(BIN)/mypy

pytest: env system
	$(BIN)/pytest -q

test: env system
	$(BIN)/ruff check reports tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: env
	$(BIN)/python bench/ingest_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
