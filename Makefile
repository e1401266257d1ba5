# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

run: $(STAMP)  ## The whole system on embedded defaults; Ctrl-C stops it.
	$(BIN)/alerts up

test: $(STAMP)  ## The whole test suite (PostgreSQL too when ALERTS_TEST_DATABASE_URL is set).
	bash scripts/install-test-deps.sh
	$(BIN)/pytest

lint: $(STAMP)  ## ruff, mypy, the import contracts and the size limits, as CI runs them.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_sizes.py

bench: $(STAMP)  ## Every benchmark; each rewrites its section of docs/benchmarks.md.
	$(BIN)/python -m bench.intake
	$(BIN)/python -m bench.geolocation_accuracy
	$(BIN)/python -m bench.geolocate_speed
	$(BIN)/python -m bench.correlate
	$(BIN)/python -m bench.escalation
	$(BIN)/python -m bench.report
	$(BIN)/python -m bench.merkle_log
	$(BIN)/python -m bench.log_verify
	$(BIN)/python -m bench.log_appends
	$(BIN)/python -m bench.e2e

$(STAMP): pyproject.toml
	@command -v redis-server >/dev/null || echo "note: redis-server is not installed; make run needs a Redis at ALERTS_REDIS_URL (make test installs it)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
