# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test test-fast lint format bench bench-intake bench-app bench-export bench-replica sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: $(VENV)/.dev
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-fast: $(VENV)/.dev
	$(BIN)/python -m pytest -m "not e2e and not slow"

bench: $(VENV)/.runtime
	$(BIN)/python -m kairo_scoring.bench

bench-intake: $(VENV)/.runtime
	$(BIN)/python bench/bench_intake.py

bench-app: $(VENV)/.dev
	$(BIN)/python bench/bench_app.py

# One replica on PostgreSQL: simulated sessions and portfolio sizes (needs the PostgreSQL server binaries).
bench-replica: $(VENV)/.dev
	$(BIN)/python bench/bench_replica.py

bench-export: $(VENV)/.runtime
	$(BIN)/python bench/bench_export.py

sample: $(VENV)/.runtime
	$(BIN)/python -m kairo_scoring.synthetic --sample data/sample_portfolio.xlsx --previous data/sample_portfolio_previous_quarter.xlsx

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts
