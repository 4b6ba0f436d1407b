# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# `nlu build` installs the shipped command model when it matches the committed config and data
# (seconds), else trains (progress bar); `make run NLU_FLAGS=--fast` trains the weaker quick one.
NLU_FLAGS ?=
# A portable llama.cpp build (no -march=native), so the cached wheel runs on any x86-64.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF

.PHONY: run test install lint typecheck clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel

# The app with the CPU engine (llama.cpp).
$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[llamacpp]'
	touch $@

# Everything the tests use: a superset of the run set, torch pinned to the CPU build.
$(VENV)/.test-deps: pyproject.toml constraints/test.txt | $(BIN)/python
	$(BIN)/pip install -e '.[llamacpp,hf,dev]' -c constraints/test.txt
	touch $@ $(VENV)/.run-deps

install: $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(BIN)/assistant db upgrade
	$(BIN)/assistant keys create
	$(BIN)/assistant demo seed
	$(BIN)/assistant nlu build $(NLU_FLAGS)
	exec $(BIN)/assistant serve --with-worker --host $(HOST) --port $(PORT)

test: $(VENV)/.test-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-deps
	$(BIN)/ruff check assistant inference server tests
	$(BIN)/ruff format --check assistant inference server tests

typecheck: $(VENV)/.test-deps
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
