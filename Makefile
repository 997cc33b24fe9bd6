# Two commands on a fresh machine: `make run` (runtime on the sandbox, demo data) and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test deps toolchains lint bench lock

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

deps: $(STAMP)

toolchains:
	./scripts/install-toolchains.sh

run: deps
	$(PY) scripts/run_local.py

lint: deps
	$(PY) -m ruff check .

test: deps toolchains lint
	$(PY) -m pytest -n 2 -q

bench: deps
	$(PY) bench/runtime_bench.py
	$(PY) bench/sandbox_bench.py

lock: deps
	{ sed -n '1,2p' constraints.txt; $(PY) -m pip freeze --disable-pip-version-check | grep -v '^-e'; } > constraints.tmp && mv constraints.tmp constraints.txt
