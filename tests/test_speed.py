"""rnnbook.speed: interleaved timing (who runs when, what is measured, what is refused)."""

from __future__ import annotations

import itertools

import rnnbook  # noqa: F401  (sets the environment first, as everywhere)
from rnnbook import speed

import numpy as np
import pytest


def _recorder():
    calls = []

    def make(name):
        return lambda: calls.append(name)

    return calls, make


def test_every_function_runs_warmup_then_rounds_in_a_rotating_order():
    calls, make = _recorder()
    fns = {name: make(name) for name in "abc"}
    times = speed.interleaved_times(fns, 4, warmup=2)
    assert list(times) == ["a", "b", "c"]
    assert all(t.shape == (4,) and t.dtype == np.float64 for t in times.values())
    warm, timed = calls[:6], calls[6:]
    assert warm == ["a", "a", "b", "b", "c", "c"]  # each warmed up in turn, before any timing
    rounds = [timed[i : i + 3] for i in range(0, len(timed), 3)]
    assert rounds == [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"], ["a", "b", "c"]]


def test_the_times_are_the_clock_differences_around_each_call():
    ticks = itertools.count()  # the clock advances by one at every reading
    seen = []

    def slow():  # reads the clock twice more: its call lasts three ticks
        seen.extend([next(ticks), next(ticks)])

    times = speed.interleaved_times(
        {"fast": lambda: None, "slow": slow}, 3, warmup=0, clock=lambda: float(next(ticks))
    )
    assert times["fast"].tolist() == [1.0, 1.0, 1.0]
    assert times["slow"].tolist() == [3.0, 3.0, 3.0]
    assert len(seen) == 6


def test_no_warmup_and_one_function():
    calls, make = _recorder()
    times = speed.interleaved_times({"only": make("only")}, 2, warmup=0)
    assert calls == ["only", "only"]
    assert (times["only"] >= 0).all()


@pytest.mark.parametrize(
    "fns,rounds,warmup,match",
    [
        ({}, 3, 1, "at least one"),
        ({"a": 1}, 3, 1, "callable"),
        ({"a": lambda: None}, 0, 1, "rounds"),
        ({"a": lambda: None}, 2.5, 1, "rounds"),
        ({"a": lambda: None}, 3, -1, "warmup"),
    ],
)
def test_bad_arguments_are_refused(fns, rounds, warmup, match):
    with pytest.raises(ValueError, match=match):
        speed.interleaved_times(fns, rounds, warmup=warmup)
