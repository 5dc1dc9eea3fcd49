"""Input validation shared by every module of :mod:`rnnbook` (private).

One home for the checks, so that the public functions read like their equations and every
error message has the same form: a :class:`ValueError` naming the argument, the expected
shape (symbolic and numeric) and the actual one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["as_float64", "expect_shape", "expect_ndim", "positive_int", "sequence_batch"]


def as_float64(name: str, a: Any) -> np.ndarray:
    """``a`` as a float64 array; ``ValueError`` naming ``name`` if it is not numeric."""
    try:
        return np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a numeric array: {err}") from err


def expect_shape(name: str, arr: np.ndarray, shape: tuple[Any, ...], symbolic: str) -> None:
    """Raise ``ValueError`` unless ``arr.shape == shape``; ``symbolic`` spells it, e.g. ``(B, H)``."""
    if np.shape(arr) != tuple(shape):
        raise ValueError(f"{name} must have shape {symbolic} = {tuple(shape)}, got {np.shape(arr)}")


def expect_ndim(name: str, arr: np.ndarray, ndim: int, symbolic: str) -> None:
    """Raise ``ValueError`` unless ``arr`` has ``ndim`` dimensions, e.g. ``(B, T, D)``."""
    if np.ndim(arr) != ndim:
        raise ValueError(
            f"{name} must have shape {symbolic}, got {np.shape(arr)} "
            f"({np.ndim(arr)} dimensions instead of {ndim})"
        )


def positive_int(name: str, value: Any, minimum: int = 1) -> int:
    """``value`` as an ``int`` if it is an integer ``>= minimum`` (bools refused), else ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def sequence_batch(name: str, x: Any) -> tuple[np.ndarray, int, int, int]:
    """``x`` as float64 ``(batch, time, features)`` with at least one step: ``(x, B, T, D)``."""
    x = as_float64(name, x)
    expect_ndim(name, x, 3, "(batch, time, features) = (B, T, D)")
    B, T, D = x.shape
    if T == 0:
        raise ValueError(f"{name} must have at least one time step, got shape {x.shape}")
    return x, B, T, D
