# Two entry points: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHECKED := bot handlers storage

.PHONY: run test lint typecheck layers pytest backup clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	@if [ ! -f .env ]; then \
		cp .env.example .env; \
		echo "Created .env from .env.example. Put your bot token from @BotFather into BOT_TOKEN in .env, then run 'make run' again."; \
		exit 1; \
	fi
	$(PY) -m bot

test: $(STAMP) lint typecheck layers pytest

lint: $(STAMP)
	$(PY) -m ruff check $(CHECKED) tests benchmarks
	$(PY) -m ruff format --check $(CHECKED) tests benchmarks

typecheck: $(STAMP)
	$(PY) -m mypy $(CHECKED)

# The layer rules in pyproject.toml [tool.importlinter].
layers: $(STAMP)
	$(VENV)/bin/lint-imports

pytest: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
