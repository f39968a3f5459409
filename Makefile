# Two entry points: `make run` and `make test`. Both create .venv when it is missing and
# install exactly what requirements.lock pins (with hashes). After changing dependencies in
# pyproject.toml, `make lock` regenerates requirements.lock (uv, keeping other pins).
# `make run` without BOT_TOKEN (in .env or the environment) starts the sandbox instead.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements.lock
CHECKED := bot handlers storage

.PHONY: run test lint typecheck layers pytest system-deps screenshots certificate-picture report-pictures backup clean lock

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
	@if [ -n "$$BOT_TOKEN" ] || { [ -f .env ] && grep -Eq '^[[:space:]]*BOT_TOKEN[[:space:]]*=[[:space:]]*[^[:space:]#]' .env; }; then \
		exec $(PY) -m bot; \
	else \
		exec $(PY) -m bot sandbox; \
	fi

# From Debian: Chromium for the browser tests and the screenshots (Playwright drives it);
# pdftoppm (poppler-utils) for the certificate picture test and docs/certificate.png.
# Skips apt when both are there; without root it only says what is missing.
system-deps:
	@missing=""; \
	if ! [ -x /usr/lib/chromium/chromium ] && ! command -v chromium >/dev/null 2>&1; then \
		missing="chromium fonts-dejavu-core fonts-noto-color-emoji"; \
	fi; \
	if ! command -v pdftoppm >/dev/null 2>&1; then \
		missing="$$missing poppler-utils"; \
	fi; \
	if [ -z "$$missing" ]; then \
		true; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
		echo "Missing Debian packages:$$missing (as root on Debian: make system-deps);" \
			"the browser tests or the certificate picture test will skip"; \
	else \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null; \
	fi

screenshots: $(STAMP) system-deps
	$(PY) -m tests.browser.screenshots

certificate-picture: $(STAMP) system-deps
	$(PY) -m tests.certificate_picture docs/certificate

# LibreOffice (large; only for this target, never for make test) turns the sample report
# into PDF, pdftoppm into docs/report-xlsx.png and docs/report-docx.png.
report-pictures: $(STAMP) system-deps
	@if ! command -v soffice >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends libreoffice-calc libreoffice-writer >/dev/null; \
	fi
	$(PY) -m tests.report_pictures docs

test: $(STAMP) system-deps lint typecheck layers pytest

lint: $(STAMP)
	$(PY) -m ruff check $(CHECKED) tests benchmarks
	$(PY) -m ruff format --check $(CHECKED) tests benchmarks

typecheck: $(STAMP)
	$(PY) -m mypy $(CHECKED)

# The layer rules in pyproject.toml [tool.importlinter].
layers: $(STAMP)
	$(VENV)/bin/lint-imports

# Three workers: most end-to-end tests wait on a bot process, so two cores keep three busy.
pytest: $(STAMP)
	$(PY) -m pytest -q -n 3

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
