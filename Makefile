# Two commands do all the set-up on a machine with python3 and make:
#   make demo   -> .venv, the package, the POPP template notebook rendered to HTML
#   make test   -> .venv, the package with its dev extra, ruff and the whole pytest suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install clean benchmark data

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/evaltools demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check evaltools tests benchmarks data_samples

test: lint
	$(BIN)/python -m pytest -n 2

benchmark: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_panel.py
	$(BIN)/python benchmarks/bench_matching.py

data: $(VENV)/.installed
	$(BIN)/python data_samples/make_samples.py

# Mutation testing (not part of `make test`): mutmut on the core modules, or on
# MODULES="evaltools/did/regression.py ...", each against the tests that matter for it;
# SAMPLE=0.2 checks a seeded random fifth of each module's mutants.
MODULES ?= evaltools/cohort/ evaltools/matching/ evaltools/balance.py evaltools/effects.py \
	evaltools/effects_fit.py evaltools/effects_inputs.py evaltools/effects_mestimation.py \
	evaltools/did/ evaltools/rtm/ evaltools/sensitivity.py evaltools/economics/ \
	evaltools/disclosure.py evaltools/_disclosure_checks.py
JOBS ?= 2
SAMPLE ?=
.PHONY: mutation

$(VENV)/.installed-mutation: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,mutation]"
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

mutation: $(VENV)/.installed-mutation
	nice -n 10 $(BIN)/python benchmarks/mutation_run.py --jobs $(JOBS) \
		$(if $(SAMPLE),--sample $(SAMPLE)) $(MODULES)

clean:
	rm -rf $(VENV) reports .pytest_cache
