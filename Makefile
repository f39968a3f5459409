# Two entry points: `make run` and `make test`. Both create .venv when it is missing and
# install exactly what requirements.lock pins (with hashes). After changing dependencies in
# pyproject.toml, `make lock` regenerates requirements.lock (uv, keeping other pins).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements.lock
CHECKED := bot handlers storage

.PHONY: run test lint typecheck layers pytest backup clean lock

# `pip check` fails when pyproject.toml asks for a package the lock file lacks: run `make lock`.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m pip check
	@touch $(STAMP)

lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet 'uv>=0.5,<1'
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command 'make lock' --output-file $(LOCK)

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
