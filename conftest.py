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


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The folder holding every verified data file: ``RNNBOOK_DATA_DIR`` if set, else the
    per-user cache, filled by downloading what is missing (so the data tests need either a
    network or ``RNNBOOK_DATA_DIR``; without both they fail with the loader's message)."""
    from rnnbook import datasets

    env = os.environ.get("RNNBOOK_DATA_DIR")
    if env is not None and (not env.strip() or not Path(env).expanduser().is_dir()):
        pytest.fail(
            f"RNNBOOK_DATA_DIR={env!r} is not a folder; set it to the absolute path "
            "of the folder holding the book's data files, or unset it to download"
        )
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
    return [
        f"{nb}: {s:.1f} s > {_budget(nb):.0f} s"
        for nb, s in sorted(_NB_SECONDS.items())
        if s > _budget(nb)
    ]


def pytest_terminal_summary(terminalreporter):
    if not _NB_SECONDS:
        return
    terminalreporter.section("notebook execution times (nbval, all cells)")
    for nb, seconds in sorted(_NB_SECONDS.items()):
        terminalreporter.write_line(f"{seconds:8.1f} s  (budget {_budget(nb):.0f} s)  {nb}")
    terminalreporter.write_line(f"{sum(_NB_SECONDS.values()):8.1f} s  total (budget 1200 s)")
    for line in _over_budget():
        terminalreporter.write_line(f"OVER BUDGET: {line}", red=True)


def pytest_sessionfinish(session, exitstatus):
    """The time budget is part of the book's contract: a notebook over it fails the run."""
    if _over_budget() and session.exitstatus == 0:
        session.exitstatus = 1
