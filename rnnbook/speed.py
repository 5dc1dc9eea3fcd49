"""Measuring speed fairly: interleaved repeats, so that the machine's load hits every variant.

Defined in chapter 12, "Speed and scale" (``chapters/12_speed_and_scale.ipynb``), which times
training steps of one model under different settings (batch size, ``unroll``, XLA, padding,
devices). A timing on a shared machine mixes the code's cost with whatever else the machine
does at that moment. Running each variant once per round, in an order that rotates from round
to round, spreads a slow moment over all variants instead of one; the median over rounds then
ignores the few rounds that a burst of load slowed down. Chapter 7's step costs and
``benchmarks/numpy_vs_keras.py`` also interleave the variants they compare.

Functions: :func:`interleaved_times`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import numpy as np

from ._validate import positive_int

__all__ = ["interleaved_times"]


def interleaved_times(
    fns: Mapping[str, Callable[[], object]],
    rounds: int,
    *,
    warmup: int = 1,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, np.ndarray]:
    """Wall-clock seconds of each call of each function, over interleaved rounds.

    Each function is first called ``warmup`` times untimed (a first call of a traced
    TensorFlow function traces and compiles it), one function after the other. Then come
    ``rounds`` rounds; in round ``r`` every function is called once, in the order of ``fns``
    rotated by ``r`` places (round 0: ``a, b, c``; round 1: ``b, c, a``; ...), and each call
    is timed by reading ``clock`` just before and just after it. Report the median over the
    rounds (``np.median``): a burst of load from other programs slows one round of every
    variant rather than all rounds of one. Chapter 12, §"Measuring time fairly".

    A function must return only when its work is done: TensorFlow runs eagerly called ops
    asynchronously on some devices, so end a timed function with ``.numpy()`` on its result.

    Args:
        fns: name -> function of no arguments, at least one.
        rounds: number of timed calls of each function, an integer ``>= 1``.
        warmup: untimed calls of each function before the first round, an integer ``>= 0``.
        clock: the clock, in seconds (the default, ``time.perf_counter``, is monotonic).

    Returns:
        name -> float64 array ``(rounds,)`` of seconds, in the order of ``fns``; element
        ``r`` is the call of round ``r``.

    Raises:
        ValueError: ``fns`` is empty or holds something that is not callable; ``rounds`` or
            ``warmup`` is not an integer in its range.
    """
    if len(fns) == 0:
        raise ValueError("fns must hold at least one function, got none")
    bad = [name for name, fn in fns.items() if not callable(fn)]
    if bad:
        raise ValueError(f"every value of fns must be callable, not those of {bad}")
    rounds = positive_int("rounds", rounds)
    warmup = positive_int("warmup", warmup, minimum=0)
    names = list(fns)
    for name in names:
        for _ in range(warmup):
            fns[name]()
    times = {name: np.empty(rounds, dtype=np.float64) for name in names}
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            start = clock()
            fns[name]()
            times[name][r] = clock() - start
    return times
