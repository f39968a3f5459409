# Two entry points: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHECKED := bot handlers storage

.PHONY: run test lint typecheck pytest system-deps certificate-picture report-pictures backup clean

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

# pdftoppm (poppler-utils) from Debian for the certificate picture test and docs/certificate.png.
system-deps:
	@if command -v pdftoppm >/dev/null 2>&1; then \
		true; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
		echo "pdftoppm is missing (as root on Debian: make system-deps); the picture test will skip"; \
	else \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends poppler-utils >/dev/null; \
	fi

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

test: $(STAMP) system-deps lint typecheck pytest

lint: $(STAMP)
	$(PY) -m ruff check $(CHECKED) tests benchmarks
	$(PY) -m ruff format --check $(CHECKED) tests benchmarks

typecheck: $(STAMP)
	$(PY) -m mypy $(CHECKED)

pytest: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
