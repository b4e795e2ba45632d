# The two set-up commands: `make demo` and `make test`. Everything else is installed by them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint bytecode dev services-up services-down clean-data

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet --no-compile -e '.[dev,test]'
	# pip byte-compiles the ~20,000 installed modules one by one (~2 min here); compileall uses
	# every core. A few packages ship files that do not compile; pip skips those as well.
	$(VENV)/bin/python -m compileall -qq -j 0 $(VENV)/lib > /dev/null || true
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The package's bytecode, which pip writes for a regular install but not for an editable one;
# where PYTHONDONTWRITEBYTECODE is set imports never write it either, and every short command
# (`deepsentinel ask`) compiled the package again (~0.1 s). Only changed files are recompiled.
bytecode: $(STAMP)
	$(VENV)/bin/python -m compileall -q deepsentinel_pipelines

demo: bytecode
	$(VENV)/bin/deepsentinel demo

test: lint bytecode
	$(VENV)/bin/python -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check deepsentinel_pipelines tests bench scripts
	$(VENV)/bin/ruff format --check deepsentinel_pipelines tests bench scripts

dev: bytecode
	$(VENV)/bin/deepsentinel dev

services-up: bytecode
	$(VENV)/bin/deepsentinel services up

services-down: $(STAMP)
	$(VENV)/bin/deepsentinel services down
