"""What the benchmark scripts share: the machine's description and interleaved medians.

Not part of the ``rnnbook`` package: these scripts are run by hand (``python
benchmarks/NAME.py``), and this module is imported from their own folder.
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Mapping
from pathlib import Path

import rnnbook  # noqa: F401  (before NumPy and TensorFlow: log level, thread settings)
from rnnbook.speed import interleaved_times

import numpy as np


def cpu_model() -> str:
    """The CPU's model name (Linux ``/proc/cpuinfo``), else what :mod:`platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def interleaved_medians(
    runs: Mapping[str, Callable[[], object]], repeats: int, *, warmup: int = 2
) -> dict[str, float]:
    """Median seconds of each function over ``repeats`` interleaved rounds, after ``warmup``
    untimed calls each (the first call of a traced function traces it): chapter 12's
    :func:`rnnbook.speed.interleaved_times`, whose rounds rotate the order of the functions."""
    times = interleaved_times(runs, repeats, warmup=warmup)
    return {name: float(np.median(t)) for name, t in times.items()}
