"""Notebook hygiene: committed without outputs, kernelspec python3, rnnbook imported first,
listed in the table of contents, and free of the Keras 2 API the source article used."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
KERAS2 = re.compile(
    r"keras\.preprocessing|preprocessing\.text|Tokenizer\(|input_shape=|"
    r"input_length=|tf\.keras\.|batch_input_shape|reset_states\("
)


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = _nb(path)
    for k, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {k} has outputs"
            assert cell.get("execution_count") is None, f"cell {k} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernelspec_is_python3(path):
    assert _nb(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_imports_rnnbook_before_numpy_keras_tensorflow_and_seeds(path):
    first = _code(_nb(path))[0]
    lines = [line.strip() for line in first.splitlines()]
    rn = next(i for i, s in enumerate(lines) if re.match(r"(import rnnbook|from rnnbook)", s))
    libs = [
        i
        for i, s in enumerate(lines)
        if re.match(r"(import|from) (keras|tensorflow|numpy|matplotlib|scipy)\b", s)
    ]
    assert all(rn < i for i in libs), (
        "import rnnbook before numpy/keras/tensorflow: it sets their environment "
        "(rnnbook.ENVIRONMENT) before they load"
    )
    assert "set_seed(" in "".join(_code(_nb(path))[:2])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_keras2_api(path):
    """No Keras 2 API in code cells, except in cells tagged ``raises-exception``: a chapter
    may show the article's Keras 2 code failing on Keras 3."""
    cells = [c for c in _nb(path)["cells"] if c["cell_type"] == "code"]
    for k, cell in enumerate(cells):
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        src = "".join(cell["source"])
        lines = [line for line in src.splitlines() if not line.lstrip().startswith("#")]
        hits = [line for line in lines if KERAS2.search(line)]
        assert not hits, f"cell {k}: {hits}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_listed_in_the_table_of_contents(path):
    toc = (ROOT / "_toc.yml").read_text()
    assert f"chapters/{path.stem}" in toc
