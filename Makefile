# The two commands of the README: `make test` and `make book`. Each creates .venv (or reuses
# it) and installs everything from requirements.txt and the package itself.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NB ?= chapters/01_sequences_and_recurrence.ipynb

.PHONY: test book clean-book chapter venv clean

venv: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## Unit tests of rnnbook + every notebook executed top to bottom with nbval.
test: $(STAMP)
	$(BIN)/pytest --nbval --nbval-current-env --nbval-cell-timeout=600 tests chapters

## The HTML book in _build/html, every changed notebook executed (strict: warnings are errors).
book: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter-book build . -W -n --keep-going

## Forget executed notebooks, so the next `make book` runs every notebook afresh.
clean-book:
	rm -rf _build

## Run one chapter in a fresh kernel: time, stderr, errors (make chapter NB=chapters/...).
chapter: $(STAMP)
	$(BIN)/python scripts/run_chapter.py $(NB)

clean: clean-book
	rm -rf $(VENV) *.egg-info .pytest_cache
