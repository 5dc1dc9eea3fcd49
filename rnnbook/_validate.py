"""Input validation shared by every module of :mod:`rnnbook` (private).

One home for the checks, so that the public functions read like their equations and every
error message has the same form: a :class:`ValueError` naming the argument, the expected
shape (symbolic and numeric) and the actual one, or the allowed values and the value given.

Checks that one function alone needs, and that say something about that function's idea
(``numerical_gradient``'s float64 array perturbed in place, the fractions of
``chronological_split``, the weights of ``make_keras_rnn``), stay next to it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "as_float64",
    "expect_shape",
    "expect_ndim",
    "positive_int",
    "int_in_range",
    "positive_number",
    "one_of",
    "sequence_batch",
    "series_1d",
    "windows_2d",
    "window_count",
    "square_matrix",
]


def as_float64(name: str, a: Any) -> np.ndarray:
    """``a`` as a float64 array; ``ValueError`` naming ``name`` if it is not numeric."""
    try:
        return np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a numeric array: {err}") from err


def expect_shape(name: str, arr: np.ndarray, shape: tuple[Any, ...], symbolic: str) -> None:
    """Raise ``ValueError`` unless ``arr.shape == shape``; ``symbolic`` spells it: ``(B, H)``."""
    if np.shape(arr) != tuple(shape):
        raise ValueError(f"{name} must have shape {symbolic} = {tuple(shape)}, got {np.shape(arr)}")


def expect_ndim(name: str, arr: np.ndarray, ndim: int, symbolic: str) -> None:
    """Raise ``ValueError`` unless ``arr`` has ``ndim`` dimensions, e.g. ``(B, T, D)``."""
    if np.ndim(arr) != ndim:
        raise ValueError(
            f"{name} must have shape {symbolic}, got {np.shape(arr)} "
            f"({np.ndim(arr)} dimensions instead of {ndim})"
        )


def _is_int(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer))


def positive_int(name: str, value: Any, minimum: int = 1) -> int:
    """``value`` as an ``int`` if it is an integer ``>= minimum`` (bools refused)."""
    if not _is_int(value) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def int_in_range(name: str, value: Any, low: int, high: int, symbolic: str) -> int:
    """``value`` as an ``int`` if it is an integer in ``[low, high]`` (bools refused).

    ``symbolic`` spells the range, e.g. ``[0, T]``; the message gives it and its values.
    """
    if not _is_int(value) or not low <= value <= high:
        raise ValueError(
            f"{name} must be an integer in {symbolic} = [{low}, {high}], got {value!r}"
        )
    return int(value)


def positive_number(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """``value`` as a ``float`` if it is a finite number ``> 0`` (``>= 0`` with ``allow_zero``)."""
    bound = ">= 0" if allow_zero else "> 0"
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = float("nan")
    if isinstance(value, bool) or not np.isfinite(x) or x < 0 or (x == 0 and not allow_zero):
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return x


def one_of(name: str, value: Any, allowed: Any) -> Any:
    """``value`` if it is one of ``allowed`` (a tuple or list, shown as given in the message)."""
    if not any(value is a or (isinstance(value, str) and value == a) for a in allowed):
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def sequence_batch(name: str, x: Any) -> tuple[np.ndarray, int, int, int]:
    """``x`` as float64 ``(batch, time, features)`` with at least one step: ``(x, B, T, D)``."""
    x = as_float64(name, x)
    expect_ndim(name, x, 3, "(batch, time, features) = (B, T, D)")
    B, T, D = x.shape
    if T == 0:
        raise ValueError(f"{name} must have at least one time step, got shape {x.shape}")
    return x, B, T, D


def series_1d(name: str, series: Any) -> np.ndarray:
    """``series`` as a 1-D array ``(T,)``, its dtype kept; ``ValueError`` otherwise."""
    s = np.asarray(series)
    if s.ndim != 1:
        raise ValueError(f"{name} must have shape (T,) (one value per time step), got {s.shape}")
    return s


def windows_2d(name: str, x: Any) -> np.ndarray:
    """Windows ``(n, window)`` or ``(n, window, 1)`` as ``(n, window)`` (dtype kept, no copy)."""
    a = np.asarray(x)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim != 2:
        raise ValueError(f"{name} must have shape (n, window) or (n, window, 1), got {a.shape}")
    return a


def window_count(T: int, window: Any, horizon: Any, what: str = "horizon") -> int:
    """How many windows of ``window`` inputs a series of ``T`` values holds, each with a target
    ``horizon`` steps after its last input: ``T - window - horizon + 1``, at least 1.

    ``what`` names the second size in the messages (``"horizon"`` or ``"steps"``).
    """
    window = positive_int("window", window)
    horizon = positive_int(what, horizon)
    count = T - window - horizon + 1
    if count < 1:
        raise ValueError(
            f"series too short: {T} values give no window of {window} inputs "
            f"with a target {horizon} step(s) ahead (need >= {window + horizon})"
        )
    return count


def square_matrix(name: str, W: Any) -> np.ndarray:
    """``W`` as a float64 square matrix ``(n, n)``; ``ValueError`` naming its shape otherwise."""
    W = as_float64(name, W)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"{name} must have shape (n, n) (a square matrix), got {W.shape}")
    return W
