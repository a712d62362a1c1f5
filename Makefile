# The two commands of the README:
#   make run    install, build the graph from data/ into the embedded store, serve it on http://127.0.0.1:8000
#   make test   install (with test tools and system packages the tests need) and run every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
NPM ?= npm
# pytest-xdist workers for `make test` (CI has 2 cores); each builds the test store once.
TEST_WORKERS ?= 2
# The npm packages of package-lock.json: YASGUI for the query page at /sparql (`make install`, without the
# devDependencies) and Comunica for tests/test_clients.py (`make install-test`). `npm ci` empties node_modules
# first, so the stamps live inside it; no install scripts are run (none of these packages needs one).
NPM_CI := $(NPM) ci --ignore-scripts --no-audit --no-fund --loglevel=error

.PHONY: run test check lint install install-test build serve bench bench-10m clean

run: install build serve

install: $(VENV)/.installed node_modules/.installed

# Without npm the server still runs; the query page then says that its editor is not installed.
node_modules/.installed: package.json package-lock.json
	@if command -v $(NPM) >/dev/null 2>&1; then \
	  $(NPM_CI) --omit=dev && touch $@; \
	else \
	  echo "warning: npm not found: the SPARQL query page at /sparql will run without its editor (YASGUI)" >&2; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test node_modules/.installed-test

node_modules/.installed-test: package.json package-lock.json | $(VENV)/.installed-test
	$(NPM_CI)
	touch node_modules/.installed $@

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
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# Lint, format and type checks (configured in pyproject.toml); part of `make test`, so CI runs them.
check: install-test
	$(BIN)/ruff check gzg_graph api tests benchmarks scripts
	$(BIN)/ruff format --check gzg_graph api tests benchmarks scripts
	$(BIN)/mypy

# The comparison with the engines users would pick instead (benchmarks/compare.py): gzg-graph, pyoxigraph in
# process, the Oxigraph server, Virtuoso and rdflib-endpoint on the same data and queries, at each of
# BENCH_SCALES triples; `make bench-10m` adds the 10M scale (long: hours of rdflib-endpoint and pyshacl are
# time-boxed, not waited for). The other benchmarks (store_modes, validation, api_documents, stores,
# example_queries, http_endpoint) run by hand: python benchmarks/<name>.py --help.
BENCH_SCALES ?= 100000 1000000
BENCH_ARGS ?=

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/compare.py --scales $(BENCH_SCALES) $(BENCH_ARGS)

bench-10m:
	$(MAKE) bench BENCH_SCALES="100000 1000000 10000000"

$(VENV)/.installed-bench: pyproject.toml | $(VENV)/.installed-test
	bash scripts/ensure-system-packages.sh bench
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis benchmarks/out node_modules
