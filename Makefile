# The two commands of the README: `make test` and `make book`. Each creates .venv (or reuses
# it) and installs everything from requirements.txt and the package itself.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NB ?= chapters/01_sequences_and_recurrence.ipynb
# Paths that ruff lints and formats (it reads the notebooks' code cells too).
LINT_PATHS := rnnbook tests scripts benchmarks chapters conftest.py _ext
# `make test` stores every notebook that nbval executed in the book's execution cache
# (_build/.jupyter_cache), so a `make book` after it executes no notebook again
# (scripts/nbval_store.py). `make test RNNBOOK_STORE_EXECUTED=0` turns that off.
export RNNBOOK_STORE_EXECUTED ?= 1

.PHONY: test unit book check-html clean-book chapter venv clean normalize lint format

venv: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## Unit tests of rnnbook + every notebook executed top to bottom with nbval (first: are the
## notebooks in normal form? see `make normalize`).
test: $(STAMP)
	$(BIN)/python scripts/normalize_notebooks.py --check
	$(BIN)/pytest --nbval --nbval-current-env --nbval-cell-timeout=600 tests chapters

## The unit tests of rnnbook only (a few minutes; no notebook is executed).
unit: $(STAMP)
	$(BIN)/pytest tests

## The HTML book in _build/html (strict: warnings are errors). A notebook is executed only if
## the execution cache has no run of its current code (`make test` fills the cache).
book: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter-book build . -W -n --keep-going

## Open every page of the built book in headless Chromium (Debian's chromium and
## chromium-driver): console errors, unrendered math, broken images and links fail it.
check-html: $(STAMP)
	$(BIN)/python scripts/check_html.py _build/html

## Forget the book and its executed notebooks, so the next `make book` runs every notebook.
clean-book:
	rm -rf _build

## Run one chapter in a fresh kernel: time, stderr, errors (make chapter NB=chapters/...).
chapter: $(STAMP)
	$(BIN)/python scripts/run_chapter.py $(NB)

## Rewrite the notebooks in normal form (no outputs, cell ids kept): see CONTRIBUTING.md.
normalize: $(STAMP)
	$(BIN)/python scripts/normalize_notebooks.py

## ruff: lint and check the formatting of the code and the notebooks' code cells.
lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

## ruff: apply the formatting and the safe lint fixes.
format: $(STAMP)
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

clean: clean-book
	rm -rf $(VENV) *.egg-info .pytest_cache
