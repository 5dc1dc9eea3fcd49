"""Shared fixtures, and a per-notebook time report for `pytest --nbval`.

With ``RNNBOOK_STORE_EXECUTED=1`` (``make test`` and CI set it), the plugin
``scripts/nbval_store.py`` stores each notebook that nbval executed in the book's
jupyter-cache, so that the strict build executes no notebook a second time.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

pytest_plugins = ["scripts.nbval_store"]

ROOT = Path(__file__).resolve().parent
_NB_SECONDS: dict[str, float] = defaultdict(float)
DEFAULT_BUDGET_S = 120.0
BOOK_BUDGET_S = 1500.0  # the whole book: 25 minutes on 2 cores


def _data_dir_problem() -> str | None:
    """Why ``RNNBOOK_DATA_DIR`` cannot serve the run (set, but not a folder, or empty)."""
    env = os.environ.get("RNNBOOK_DATA_DIR")
    if env is None:
        return None
    folder = Path(env).expanduser()
    if not env.strip() or not folder.is_dir():
        return f"RNNBOOK_DATA_DIR={env!r} is not a folder"
    if not any(folder.iterdir()):
        return f"RNNBOOK_DATA_DIR={env!r} is an empty folder"
    return None


def pytest_sessionstart(session):
    """Stop at once, before any notebook runs, if ``RNNBOOK_DATA_DIR`` is set but unusable."""
    problem = _data_dir_problem()
    env = os.environ.get("RNNBOOK_DATA_DIR")
    if not problem and env is not None:
        # notebooks run with chapters/ as their working directory: a relative path that
        # holds here would point elsewhere there, so every kernel gets the absolute path
        os.environ["RNNBOOK_DATA_DIR"] = str(Path(env).expanduser().resolve())
    if problem:
        pytest.exit(
            f"{problem}: set it to the absolute path of the folder holding the book's data "
            "files (README, 'Data, and using the book offline'), or unset it to download "
            "them into the per-user cache",
            returncode=4,
        )


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The folder holding every verified data file: ``RNNBOOK_DATA_DIR`` if set, else the
    per-user cache, filled by downloading what is missing (so the data tests need either a
    network or ``RNNBOOK_DATA_DIR``; without both they fail with the loader's message)."""
    from rnnbook import datasets

    for name in datasets.REGISTRY:
        datasets.fetch(name)
    return datasets.data_dir()


def pytest_runtest_logreport(report):
    """Add up the time of every phase of every notebook cell, per notebook."""
    if report.nodeid.endswith(".ipynb") or ".ipynb::" in report.nodeid:
        _NB_SECONDS[report.nodeid.split("::")[0]] += report.duration


def _budget(nodeid: str) -> float:
    """A notebook's time budget: metadata ``rnnbook.budget_s``, else 120 s (2 CPU cores)."""
    path = ROOT / nodeid
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    except (OSError, ValueError, KeyError):
        return DEFAULT_BUDGET_S
    return float(meta.get("rnnbook", {}).get("budget_s", DEFAULT_BUDGET_S))


def _over_budget() -> list[str]:
    over = [
        f"{nb}: {s:.1f} s > {_budget(nb):.0f} s"
        for nb, s in sorted(_NB_SECONDS.items())
        if s > _budget(nb)
    ]
    total = sum(_NB_SECONDS.values())
    if total > BOOK_BUDGET_S:
        over.append(f"the whole book: {total:.1f} s > {BOOK_BUDGET_S:.0f} s")
    return over


def pytest_terminal_summary(terminalreporter):
    if not _NB_SECONDS:
        return
    terminalreporter.section("notebook execution times (nbval, all cells)")
    for nb, seconds in sorted(_NB_SECONDS.items()):
        terminalreporter.write_line(f"{seconds:8.1f} s  (budget {_budget(nb):.0f} s)  {nb}")
    total = sum(_NB_SECONDS.values())
    terminalreporter.write_line(f"{total:8.1f} s  total (budget {BOOK_BUDGET_S:.0f} s)")
    for line in _over_budget():
        terminalreporter.write_line(f"OVER BUDGET: {line}", red=True)


def pytest_sessionfinish(session, exitstatus):
    """The time budget is part of the book's contract: a notebook over it fails the run."""
    if _over_budget() and session.exitstatus == 0:
        session.exitstatus = 1
