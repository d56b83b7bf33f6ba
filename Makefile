# docgen developer targets. Every target creates .venv when it is missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?= ../shared/corpus/graph-v1.0
# Bytecode for docgen's own modules, as pip writes it for an installed package: an
# editable install where PYTHONDONTWRITEBYTECODE is set would compile them at every run.
COMPILE = $(BIN)/python -m compileall -q generator > /dev/null

.PHONY: demo test check lint fmt bench fuzz interop clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,dev,serve]'
	$(COMPILE)
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/docgen build samples/groups -o out/groups
	@echo "docgen wrote its output to out/groups: model.json, openapi.json, client/, server/, tests/ (run: .venv/bin/pytest out/groups/tests)"

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check generator tests
	$(BIN)/black --check -q generator tests
	$(BIN)/mypy

check: lint test

fmt: $(STAMP)
	$(BIN)/ruff check --fix -q generator tests || true
	$(BIN)/black -q generator tests

fuzz: $(STAMP)
	DOCGEN_FUZZ_EXAMPLES=3000 $(BIN)/pytest -q -p no:cacheprovider tests/test_fuzz_parse.py
	DOCGEN_FUZZ_EXAMPLES=300 $(BIN)/pytest -q -p no:cacheprovider tests/test_hostile.py
	if [ -d $(CORPUS) ]; then $(BIN)/python -m tests.edit_fuzz $(CORPUS) --steps 20; fi

bench: $(STAMP)
	$(COMPILE)
	$(BIN)/python -m tests.bench $(CORPUS)
	$(BIN)/python -m tests.bench_client $(CORPUS)
	rm -rf out/bench-v1.0 && $(BIN)/docgen build $(CORPUS) -o out/bench-v1.0 -t server -q
	$(BIN)/python -m tests.bench_server out/bench-v1.0

interop: $(STAMP)
	$(BIN)/python -m tests.interop $(CORPUS)

clean:
	rm -rf out .docgen-cache .pytest_cache .mypy_cache
