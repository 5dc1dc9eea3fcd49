"""Write the book's notebooks in one normal form, so that an edit to a cell shows in
``git diff`` as that edit and nothing else.

    python scripts/normalize_notebooks.py [NOTEBOOK ...]            # rewrite in normal form
    python scripts/normalize_notebooks.py --check [NOTEBOOK ...]    # exit 1, naming the files
                                                                    # not in normal form
    python scripts/normalize_notebooks.py --check-ids REV [NB ...]  # exit 1 if a cell whose
                                            # source is as at git revision REV has a new id
    python scripts/normalize_notebooks.py --restore-ids REV [NB ...]  # give such cells back
                                                                      # their id at REV

Without NOTEBOOK arguments: every ``chapters/*.ipynb``. The normal form:

* nbformat 4.5; notebook metadata only ``kernelspec`` (python3), ``language_info`` (its
  ``name``), and the ``rnnbook`` and ``mystnb`` keys when present;
* code cells without outputs and with ``execution_count: null``; cell metadata without what
  a front end writes while one works (``execution``, ``collapsed``, ``scrolled``,
  ``ExecuteTime``, ``jupyter``, ``trusted``, ...); ``tags`` and ``mystnb`` are kept;
* every cell keeps its ``id``; a cell without one, with an invalid one, or with the id of an
  earlier cell gets a new unique short id;
* sources as lists of lines, JSON as nbformat writes it (keys sorted, one-space indent,
  UTF-8 unescaped, final newline).
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
KEPT_NOTEBOOK_METADATA = ("rnnbook", "mystnb")
VOLATILE_CELL_METADATA = (
    "execution",
    "collapsed",
    "scrolled",
    "ExecuteTime",
    "jupyter",
    "trusted",
    "editable",
    "deletable",
    "vscode",
    "papermill",
    "pycharm",
)
CELL_KEYS = {
    "code": ("cell_type", "execution_count", "id", "metadata", "outputs", "source"),
    "markdown": ("attachments", "cell_type", "id", "metadata", "source"),
    "raw": ("attachments", "cell_type", "id", "metadata", "source"),
}
ID_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")  # nbformat 4.5's schema for cell ids


def _lines(source) -> list[str]:
    text = "".join(source) if isinstance(source, list) else str(source)
    return text.splitlines(keepends=True)


def _new_id(taken: set[str]) -> str:
    while True:
        cell_id = secrets.token_hex(4)
        if cell_id not in taken:
            return cell_id


def normalize(nb: dict) -> dict:
    """The notebook ``nb`` (a dict as read from JSON) in normal form, as a new dict."""
    metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
    }
    for key in KEPT_NOTEBOOK_METADATA:
        if key in nb.get("metadata", {}):
            metadata[key] = nb["metadata"][key]
    taken: set[str] = set()
    all_ids = {c.get("id") for c in nb.get("cells", []) if isinstance(c.get("id"), str)}
    cells = []
    for cell in nb.get("cells", []):
        kind = cell.get("cell_type")
        if kind not in CELL_KEYS:
            raise ValueError(f"unknown cell type {kind!r}")
        out = {k: cell[k] for k in CELL_KEYS[kind] if k in cell}
        out["metadata"] = {
            k: v for k, v in cell.get("metadata", {}).items() if k not in VOLATILE_CELL_METADATA
        }
        out["source"] = _lines(cell.get("source", ""))
        if kind == "code":
            out["outputs"] = []
            out["execution_count"] = None
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not ID_PATTERN.match(cell_id) or cell_id in taken:
            cell_id = _new_id(taken | all_ids)
        taken.add(cell_id)
        out["id"] = cell_id
        cells.append(out)
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def dumps(nb: dict) -> str:
    """The text of a notebook file, laid out as nbformat writes it."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def normal_text(text: str) -> str:
    """The normal form of a notebook file's text."""
    return dumps(normalize(json.loads(text)))


def _source(cell: dict) -> str:
    return "".join(cell.get("source", []))


def id_changes(old: dict, new: dict) -> list[tuple[int, str, str]]:
    """Cells of ``new`` whose source is that of a cell of ``old`` while their id is not:
    ``(cell index, id in new, id in old)``. Cells with empty source, and cells whose old id
    is used by another cell of ``new``, are not reported (nothing to give back)."""
    old_ids: dict[tuple[str, str], list[str]] = {}
    for cell in old.get("cells", []):
        if _source(cell).strip() and cell.get("id"):
            old_ids.setdefault((cell["cell_type"], _source(cell)), []).append(cell["id"])
    new_ids = [cell.get("id") for cell in new.get("cells", [])]
    changes = []
    for k, cell in enumerate(new.get("cells", [])):
        candidates = old_ids.get((cell["cell_type"], _source(cell)), [])
        if not candidates or cell.get("id") in candidates:
            continue
        free = [i for i in candidates if i not in new_ids]
        if free:
            changes.append((k, cell.get("id"), free[0]))
            new_ids.append(free[0])  # one old id is given back once
    return changes


def _at_revision(path: Path, rev: str) -> dict | None:
    path = path.resolve()
    result = subprocess.run(
        ["git", "show", f"{rev}:./{path.name}"], cwd=path.parent, capture_output=True, text=True
    )
    if result.returncode != 0:
        return None  # the file is new since rev
    return json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="report, do not rewrite")
    mode.add_argument("--check-ids", metavar="REV", help="report ids changed since REV")
    mode.add_argument("--restore-ids", metavar="REV", help="give back ids changed since REV")
    args = ap.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))

    bad = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if args.check_ids or args.restore_ids:
            old = _at_revision(path, args.check_ids or args.restore_ids)
            if old is None:
                continue
            nb = json.loads(text)
            changes = id_changes(old, nb)
            for k, now, was in changes:
                print(f"{path}: cell {k}: source unchanged, id {now!r} was {was!r}")
            if changes and args.restore_ids:
                for k, _, was in changes:
                    nb["cells"][k]["id"] = was
                path.write_text(dumps(normalize(nb)), encoding="utf-8")
            elif changes:
                bad.append(path)
            continue
        normal = normal_text(text)
        if normal == text:
            continue
        if args.check:
            bad.append(path)
            print(f"not in normal form: {path}")
        else:
            path.write_text(normal, encoding="utf-8")
            print(f"normalized: {path}")
    if bad and args.check:
        print("run `make normalize` (scripts/normalize_notebooks.py) to fix", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
