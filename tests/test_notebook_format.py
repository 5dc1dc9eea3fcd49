"""Notebooks are committed in the normal form of ``scripts/normalize_notebooks.py`` (no
outputs, stable cell ids, one JSON layout), so that an edit to one cell is a one-cell diff;
and the normalizer itself keeps ids, fixes duplicates and is idempotent."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
SCRIPT = ROOT / "scripts" / "normalize_notebooks.py"

_spec = importlib.util.spec_from_file_location("normalize_notebooks", SCRIPT)
norm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(norm)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_normal_form(path):
    text = path.read_text(encoding="utf-8")
    assert text == norm.normal_text(text), (
        f"{path.name} is not in normal form: run `make normalize` "
        "(scripts/normalize_notebooks.py keeps the cell ids)"
    )


def _messy() -> dict:
    """A notebook as a front end may leave it: outputs, counts, volatile metadata, a
    duplicated id, a cell without id, a string source, extra notebook metadata."""
    return {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python", "version": "3.11.7", "pygments_lexer": "ipython3"},
            "rnnbook": {"budget_s": 240},
            "widgets": {"state": {}},
        },
        "cells": [
            {"cell_type": "markdown", "id": "intro1", "metadata": {}, "source": "# Title\n\nText"},
            {
                "cell_type": "code",
                "id": "code1",
                "execution_count": 7,
                "metadata": {
                    "scrolled": True,
                    "collapsed": False,
                    "tags": ["remove-cell"],
                    "execution": {"iopub.status.busy": "2026-01-01"},
                },
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "hi\n"}],
                "source": ["x = 1\n", "print(x)"],
            },
            {
                "cell_type": "code",
                "id": "code1",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": "y = 2",
            },
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": "",
            },
        ],
    }


def test_normal_form_strips_outputs_counts_and_volatile_metadata():
    nb = norm.normalize(_messy())
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5)
    assert nb["metadata"] == {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "rnnbook": {"budget_s": 240},
    }
    code = nb["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert code["metadata"] == {"tags": ["remove-cell"]}
    assert code["source"] == ["x = 1\n", "print(x)"]
    assert nb["cells"][0]["source"] == ["# Title\n", "\n", "Text"]
    assert nb["cells"][3]["source"] == []


def test_normal_form_keeps_ids_and_fixes_duplicates_and_missing_ones():
    nb = norm.normalize(_messy())
    ids = [c["id"] for c in nb["cells"]]
    assert ids[:2] == ["intro1", "code1"], "existing ids are kept"
    assert len(set(ids)) == len(ids), "duplicates get a new id"
    assert all(norm.ID_PATTERN.match(i) for i in ids)


def test_normal_form_is_idempotent_and_keeps_ids_on_a_second_pass():
    once = norm.dumps(norm.normalize(_messy()))
    twice = norm.normal_text(once)
    assert once == twice
    assert once.endswith("}\n") and '"cell_type": "code"' in once


def test_layout_is_the_one_nbformat_writes():
    nbformat = pytest.importorskip("nbformat")
    text = norm.dumps(norm.normalize(_messy()))
    assert nbformat.writes(nbformat.reads(text, as_version=4)) + "\n" == text


def test_id_changes_finds_regenerated_ids_of_unchanged_cells():
    old = norm.normalize(_messy())
    new = json.loads(json.dumps(old))
    new["cells"][1]["id"] = "regen1"  # same source, new id: reported
    new["cells"][2]["source"] = ["y = 3"]  # edited cell: not reported
    new["cells"][2]["id"] = "regen2"
    assert norm.id_changes(old, new) == [(1, "regen1", "code1")]
    assert norm.id_changes(old, old) == []


def test_check_mode_names_the_files_not_in_normal_form(tmp_path):
    messy = tmp_path / "messy.ipynb"
    messy.write_text(json.dumps(_messy()), encoding="utf-8")
    clean = tmp_path / "clean.ipynb"
    clean.write_text(norm.dumps(norm.normalize(_messy())), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", str(messy), str(clean)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "messy.ipynb" in run.stdout and "clean.ipynb" not in run.stdout
    assert json.loads(messy.read_text())["cells"][1]["outputs"], "--check rewrites nothing"
    run = subprocess.run([sys.executable, str(SCRIPT), str(messy)], capture_output=True, text=True)
    assert run.returncode == 0
    fixed = json.loads(messy.read_text(encoding="utf-8"))
    assert [c["id"] for c in fixed["cells"][:2]] == ["intro1", "code1"]
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", str(messy)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout
