# The two set-up commands: `make demo` and `make test`. Everything else is installed by them.
# `make test-fast` is the inner loop: the suite without the tests marked `slow` (CONTRIBUTING.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# uv resolves and unpacks in parallel: ~45 s for the install here, against ~3 min with pip.
UV_VERSION := 0.13.9

# Bytecode is written as modules are first imported, as Python does by default. Where
# PYTHONDONTWRITEBYTECODE is set, every process compiled what it imported again (~0.1 s for
# `deepsentinel ask`, seconds for a Dagster step); compiling all ~20,000 installed modules up
# front instead took a minute of every fresh install.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test test-fast lint bytecode dev services-up services-down clean-data

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION)
	$(VENV)/bin/python scripts/uv_install.py $(VENV) -e '.[dev,test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# All of the package's bytecode, which pip writes for a regular install but not for an editable
# one: a shell that sets PYTHONDONTWRITEBYTECODE never writes it, and `deepsentinel ask` run from
# there compiled the package again every time (~0.1 s). Only changed files are recompiled.
bytecode: $(STAMP)
	$(VENV)/bin/python -m compileall -q deepsentinel_pipelines

demo: bytecode
	$(VENV)/bin/deepsentinel demo

test: lint bytecode
	$(VENV)/bin/python -m pytest

test-fast: lint bytecode
	$(VENV)/bin/python -m pytest -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check deepsentinel_pipelines tests bench scripts
	$(VENV)/bin/ruff format --check deepsentinel_pipelines tests bench scripts

dev: bytecode
	$(VENV)/bin/deepsentinel dev

services-up: bytecode
	$(VENV)/bin/deepsentinel services up

services-down: $(STAMP)
	$(VENV)/bin/deepsentinel services down
