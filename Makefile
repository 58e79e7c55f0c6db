# Two commands on a fresh clone with only python3 and make:
#   make build   create .venv, install, build everything into build/
#   make test    create .venv if needed, run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/hmipdata build
	$(BIN)/hmipdata site

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check hmipdata tests benchmarks
	$(BIN)/ruff format --check hmipdata tests benchmarks

clean:
	rm -rf build .build $(VENV) node_modules
