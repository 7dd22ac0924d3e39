# Two commands for a fresh machine with only python3 and pip:
#   make run    opens the app on its default store
#   make test   runs the whole test suite
VENV := .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

.PHONY: run test
run: $(VENV)/.installed
	$(VENV)/bin/intake

test: $(VENV)/.installed
	$(PY) -m pytest
