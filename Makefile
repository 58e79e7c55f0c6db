# Two commands on a fresh clone with only python3 and make:
#   make build   create .venv from requirements.txt, build everything into build/
#   make test    create .venv if needed, run the whole test suite
# The environment is locked: requirements.txt pins every Python package,
# direct and indirect, with hashes, for every supported Python (3.11+).
#   make lock         update requirements.txt on purpose after editing pyproject.toml
#   make lock-upgrade re-resolve every pin to the newest allowed version
#   make test-latest  the suite under the newest versions pyproject.toml allows (.venv-latest)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.txt
LATEST := .venv-latest
UV_VERSION := 0.13.9
TOOLS := .venv-tools

.PHONY: build test test-latest lock lock-upgrade lint clean

$(STAMP): $(LOCK) pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/hmipdata build
	$(BIN)/hmipdata site

test: $(STAMP)
	$(BIN)/python -m pytest -q --durations=12

# Drift: the newest versions pyproject.toml allows, in a venv of their own, so a
# breaking upstream release shows up here (and in the scheduled workflow) first.
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade -e '.[dev]'
	$(LATEST)/bin/python -m pip freeze --exclude-editable > $(LATEST)/versions.txt
	$(LATEST)/bin/python -m pytest -q

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# setuptools is the build backend: locked too, so the editable install needs no network.
LOCK_ARGS := pyproject.toml - --extra dev --universal --generate-hashes --python-version 3.11 \
	--custom-compile-command 'make lock' -o $(LOCK)
lock: $(TOOLS)/bin/uv
	echo 'setuptools>=68' | $(TOOLS)/bin/uv pip compile $(LOCK_ARGS)

lock-upgrade: $(TOOLS)/bin/uv
	echo 'setuptools>=68' | $(TOOLS)/bin/uv pip compile $(LOCK_ARGS) --upgrade

lint: $(STAMP)
	$(BIN)/ruff check hmipdata tests benchmarks
	$(BIN)/ruff format --check hmipdata tests benchmarks

clean:
	rm -rf build .build $(VENV) $(LATEST) $(TOOLS) node_modules
