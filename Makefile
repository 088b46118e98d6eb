# thriftwatch: every target sets itself up; `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run report test lint lab lock clean bench

help: ## List every target with a one-line description
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "thriftwatch needs Python >= 3.11 (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP) ## Create .venv with the locked dependencies and thriftwatch (editable)

run: $(STAMP) ## Set up, then run the whole pipeline on data/raw and build the briefs in reports/
	$(BIN)/thriftwatch run

report: $(STAMP) ## Rebuild the HTML briefs from the processed data
	$(BIN)/thriftwatch report

test: $(STAMP) ## Set up, then run the linter, the format check and the test suite
	$(BIN)/ruff check src tests notebooks benchmarks
	$(BIN)/ruff format --check src tests notebooks benchmarks
	$(BIN)/python -m pytest

lint: $(STAMP) ## Lint the code and fix its formatting
	$(BIN)/ruff check src tests notebooks benchmarks
	$(BIN)/ruff format src tests notebooks benchmarks

PATHS ?= polars,pandas,stream,io,minimal
bench: $(STAMP) ## Time the loaders on ROWS synthetic listings (default 1000000; PATHS=stream for 10M); figures in bench.json
	$(BIN)/python benchmarks/bench_loaders.py --rows $(or $(ROWS),1000000) --paths $(PATHS) --json bench.json

lab: $(STAMP) ## Start JupyterLab; notebooks/*.py open as notebooks (jupytext), kernel = .venv
	JUPYTERLAB_SETTINGS_DIR=$(CURDIR)/.jupyter/lab/user-settings $(BIN)/jupyter lab --notebook-dir=. \
		$(if $(filter 0,$(shell id -u)),--allow-root)

lock: ## Re-resolve requirements.lock from pyproject.toml (needs uv; names no index)
	uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
		--python-version 3.11 --no-header -o requirements.lock

clean: ## Remove the virtual environment and everything the pipeline wrote
	rm -rf $(VENV) data/processed/* reports/*.html reports/_screens
