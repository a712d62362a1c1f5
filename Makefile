# The two commands of the README:
#   make run    install, build the graph from data/ into the embedded store, serve it on http://127.0.0.1:8000
#   make test   install (with test tools and system packages the tests need) and run every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test check lint install install-test build serve bench clean

run: install build serve

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: pyproject.toml
	bash scripts/ensure-system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

build: install
	$(BIN)/gzg build

serve: install
	$(BIN)/gzg serve

test: install-test check
	$(BIN)/python -m pytest

# Lint, format and type checks (configured in pyproject.toml); part of `make test`, so CI runs them.
check: install-test
	$(BIN)/ruff check gzg_graph api tests benchmarks scripts
	$(BIN)/ruff format --check gzg_graph api tests benchmarks scripts
	$(BIN)/mypy

bench: install-test
	$(BIN)/python benchmarks/store_modes.py
	$(BIN)/python benchmarks/validation.py

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis benchmarks/out
