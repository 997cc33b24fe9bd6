# Two commands on a fresh machine: `make run` (runtime on the sandbox, demo data) and `make test`.
# `make run` installs what the servers and the example bot need (requirements.txt); `make test` adds the test tools
# (requirements-dev.txt) and the system toolchains. Each install leaves a stamp named after its requirements, so a
# second `make run` or `make test` installs nothing until they change.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt
RUN_REQUIREMENTS := requirements.txt examples/standup-bot/requirements.txt
requirements_sum = $(shell cat constraints.txt $(1) | cksum | cut -d' ' -f1)
RUN_STAMP := $(VENV)/.installed-run-$(call requirements_sum,$(RUN_REQUIREMENTS))
TEST_STAMP := $(VENV)/.installed-test-$(call requirements_sum,$(RUN_REQUIREMENTS) requirements-dev.txt)

.PHONY: run test deps test-deps toolchains lint bench lock

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): | $(PY)
	$(PIP) $(addprefix -r ,$(RUN_REQUIREMENTS))
	touch $@

$(TEST_STAMP): | $(RUN_STAMP)
	$(PIP) -r requirements-dev.txt
	touch $@

deps: $(RUN_STAMP)

test-deps: $(TEST_STAMP)

toolchains:
	./scripts/install-toolchains.sh

run: deps
	$(PY) scripts/run_local.py

lint: test-deps
	$(PY) -m ruff check .
	$(PY) -m mypy

test: test-deps toolchains lint
	$(PY) -m pytest -n 2 -q

bench: deps
	$(PY) bench/runtime_bench.py
	$(PY) bench/sandbox_bench.py
	$(PY) bench/peer_bench.py

lock: test-deps
	{ sed -n '1,2p' constraints.txt; $(PY) -m pip freeze --disable-pip-version-check | grep -v '^-e'; } > constraints.tmp && mv constraints.tmp constraints.txt
