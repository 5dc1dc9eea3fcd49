"""Seeded synthetic sequence tasks that probe long-range memory.

Both come from the literature on long-term dependencies (the adding problem: Hochreiter &
Schmidhuber 1997, experiment 4; the copy task: Arjovsky, Shah & Bengio 2016, section 4.1) and
are generated here, seeded, so every run of a chapter sees the same data. Chapter 7,
§"Learning fails, then works: the adding problem", compares on the adding problem how long
each cell remembers; the copy task is not used by a chapter yet (pending, unassigned).
"""

from __future__ import annotations

import numpy as np

from ._validate import positive_int

__all__ = ["adding_problem", "copy_task"]


def adding_problem(n: int, T: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem (Hochreiter & Schmidhuber 1997, experiment 4; the form of Le et al. 2015).

    Each sequence has two channels: channel 0 holds numbers drawn uniformly from [0, 1);
    channel 1 is 0 except for exactly two 1s, one at a step in the first half (``t < T//2``)
    and one in the second half. The target is the sum of the two marked numbers. The marks
    are up to ``T-1`` steps apart, so the model must remember a value for that long.

    Predicting the constant 1 (the mean of the target) scores mean squared error 1/6, the
    variance of the sum of two independent U[0,1) numbers: the baseline to beat. Chapter 7,
    §"Learning fails, then works: the adding problem".

    Args:
        n: number of sequences, an integer ``>= 1``.
        T: sequence length, an integer ``>= 2`` (one mark in each half).
        seed: seed of :func:`numpy.random.default_rng` (same seed, same data).

    Returns:
        ``(x, y)``: ``x`` ``(n, T, 2)`` float32 (batch, time, features), ``y`` ``(n, 1)``
        float32 in [0, 2).

    Raises:
        ValueError: ``n`` is not an integer ``>= 1`` or ``T`` not an integer ``>= 2``.
    """
    n, T = positive_int("n", n), positive_int("T", T, minimum=2)
    rng = np.random.default_rng(seed)
    values = rng.random((n, T))
    half = T // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, T, size=n)
    marks = np.zeros((n, T))
    rows = np.arange(n)
    marks[rows, first] = 1.0
    marks[rows, second] = 1.0
    x = np.stack([values, marks], axis=-1).astype(np.float32)
    y = (values[rows, first] + values[rows, second])[:, None].astype(np.float32)
    return x, y


def copy_task(
    n: int, delay: int, length: int = 10, n_symbols: int = 8, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The copy (memory) task of Arjovsky, Shah & Bengio (2016), section 4.1.

    Token ids: 0 is the blank, ``1..n_symbols`` are data symbols, ``n_symbols + 1`` is the
    delimiter. An input sequence is ``length`` random data symbols, then ``delay - 1`` blanks,
    the delimiter, and ``length`` blanks; total ``T = delay + 2 * length`` steps. The target
    is blank for the first ``delay + length`` steps and then repeats the ``length`` data
    symbols. A model that outputs blanks and then guesses uniformly scores cross-entropy
    ``length * log(n_symbols) / T`` nats per step, the baseline to beat. No chapter uses it
    yet (pending, unassigned).

    Args:
        n: number of sequences.
        delay: steps from the last data symbol to the delimiter (the delimiter is at index
            ``length + delay - 1``), ``>= 1``.
        length: number of symbols to remember, ``>= 1``.
        n_symbols: alphabet size (data symbols are ``1..n_symbols``), ``>= 1``.
        seed: seed of :func:`numpy.random.default_rng`.

    Returns:
        ``(x, y)``: int32 token ids in ``[0, n_symbols + 1]``, both ``(n, delay + 2 * length)``
        (batch, time).

    Raises:
        ValueError: ``n``, ``delay``, ``length`` or ``n_symbols`` is not an integer ``>= 1``.
    """
    n, delay = positive_int("n", n), positive_int("delay", delay)
    length, n_symbols = positive_int("length", length), positive_int("n_symbols", n_symbols)
    rng = np.random.default_rng(seed)
    T = delay + 2 * length
    data = rng.integers(1, n_symbols + 1, size=(n, length))
    x = np.zeros((n, T), dtype=np.int32)
    y = np.zeros((n, T), dtype=np.int32)
    x[:, :length] = data
    x[:, length + delay - 1] = n_symbols + 1
    y[:, length + delay :] = data
    return x, y
