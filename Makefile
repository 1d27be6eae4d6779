# The two commands a new machine needs: `make demo` and `make test`. Each creates .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## Run the main job on the bundled example articles (offline, no key needed).
demo: $(STAMP)
	$(BIN)/llmextract extract examples/articles -o out/events.jsonl
	@echo "events written to out/events.jsonl"

## Run the test suite with the network blocked (cassettes replay all model traffic).
test: $(STAMP)
	$(BIN)/pytest --block-network

lint: $(STAMP)
	$(BIN)/ruff check llmextract tests benchmarks
	$(BIN)/ruff format --check llmextract tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out
