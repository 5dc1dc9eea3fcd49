"""Forecasting a univariate series: windows, chronological splits, scaling, baselines.

Defined and used in the chapter *Sequence regression: forecasting sunspots*
(``chapters/05_sequence_regression.ipynb``). Conventions:

* a **series** is a 1-D array ``(T,)`` of values in the data's own units (e.g. sunspot number);
* a **window** is ``window`` consecutive values ``s[i], ..., s[i + window - 1]``; its
  **target** for ``horizon`` :math:`k \\ge 1` is ``s[i + window - 1 + k]``, the value ``k``
  steps after the window's last input (``k = 1``: the next value);
* Keras models see windows as ``(batch, window, 1)`` float32 (batch, time, features); NumPy
  baselines accept ``(n, window)`` or ``(n, window, 1)``.

Functions: :func:`window_arrays` (NumPy windows), :func:`make_windows` (the same windows as a
``tf.data.Dataset`` from :func:`keras.utils.timeseries_dataset_from_array`),
:func:`multistep_arrays` (targets 1..steps ahead), :func:`chronological_split`,
:class:`Standardizer` (fitted on training data only), :func:`persistence`, :func:`fit_ar` /
:class:`ARModel` (least-squares autoregression, Box & Jenkins 1976), :func:`iterate_forecast`
(multi-step forecasts by feeding predictions back).

Wrong shapes raise ``ValueError`` naming the expected and the actual shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = [
    "window_arrays",
    "make_windows",
    "multistep_arrays",
    "chronological_split",
    "Standardizer",
    "persistence",
    "ARModel",
    "fit_ar",
    "iterate_forecast",
]


def _series(series, name: str = "series") -> np.ndarray:
    s = np.asarray(series)
    if s.ndim != 1:
        raise ValueError(f"{name}: expected shape (T,) (one value per time step), got {s.shape}")
    return s


def _check_sizes(n: int, window: int, horizon: int, what: str = "horizon") -> int:
    if int(window) != window or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}")
    if int(horizon) != horizon or horizon < 1:
        raise ValueError(f"{what} must be a positive integer, got {horizon!r}")
    count = n - window - horizon + 1
    if count < 1:
        raise ValueError(f"series too short: {n} values give no window of {window} inputs "
                         f"with a target {horizon} step(s) ahead (need >= {window + horizon})")
    return count


def _windows_2d(x, name: str = "x") -> np.ndarray:
    """Accept (n, window) or (n, window, 1); return (n, window)."""
    a = np.asarray(x)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim != 2:
        raise ValueError(f"{name}: expected shape (n, window) or (n, window, 1), got {a.shape}")
    return a


def window_arrays(series, window: int, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """All windows of a series and their targets, as NumPy arrays.

    Window ``i`` holds ``series[i : i + window]``; its target is
    ``series[i + window - 1 + horizon]``, the value ``horizon`` steps after the last input.

    Args:
        series: ``(T,)`` values (any real dtype; the output keeps it).
        window: inputs per window, ``>= 1``.
        horizon: steps from the last input to the target, ``>= 1``.

    Returns:
        ``(x, y)``: ``(n, window)`` windows and ``(n,)`` targets, ``n = T - window - horizon + 1``.

    Raises:
        ValueError: ``series`` is not 1-D; ``window`` or ``horizon`` < 1; series too short.
    """
    s = _series(series)
    n = _check_sizes(len(s), window, horizon)
    x = np.lib.stride_tricks.sliding_window_view(s, window)[:n].copy()
    y = s[window - 1 + horizon:].copy()
    return x, y


def make_windows(series, window: int, horizon: int = 1, *, batch_size: int = 64,
                 shuffle: bool = False, seed: int | None = None):
    """The windows of :func:`window_arrays` as a batched ``tf.data.Dataset`` for Keras.

    Built with :func:`keras.utils.timeseries_dataset_from_array`, whose rule is that
    ``targets[i]`` belongs to the window *starting* at ``data[i]``. Passing
    ``data = series[:-horizon]`` and ``targets = series[window - 1 + horizon:]`` therefore pairs
    the window ``series[i : i + window]`` with ``series[i + window - 1 + horizon]``.

    Args:
        series: ``(T,)`` values, already scaled as the model expects.
        window: inputs per window, ``>= 1``.
        horizon: steps from the last input to the target, ``>= 1``.
        batch_size: windows per batch.
        shuffle: shuffle the windows (pairs stay together); use for training only.
        seed: shuffle seed.

    Returns:
        A ``tf.data.Dataset`` of ``(x, y)`` batches: ``x`` float32 ``(batch, window, 1)``
        (batch, time, features) and ``y`` float32 ``(batch, 1)``.

    Raises:
        ValueError: as :func:`window_arrays`.
    """
    s = _series(series)
    _check_sizes(len(s), window, horizon)
    import keras

    s = s.astype(np.float32)[:, None]  # (T, 1): one feature per step
    return keras.utils.timeseries_dataset_from_array(
        data=s[:-horizon], targets=s[window - 1 + horizon:], sequence_length=window,
        sequence_stride=1, batch_size=batch_size, shuffle=shuffle, seed=seed)


def multistep_arrays(series, window: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows and the ``steps`` values that follow each, for multi-step forecasting.

    Args:
        series: ``(T,)`` values.
        window: inputs per window, ``>= 1``.
        steps: how many future values per window, ``>= 1``.

    Returns:
        ``(x, y)``: ``(n, window)`` and ``(n, steps)`` with ``y[i, k-1] = series[i + window - 1 + k]``
        (``k`` steps after the last input), ``n = T - window - steps + 1``.

    Raises:
        ValueError: ``series`` is not 1-D; ``window`` or ``steps`` < 1; series too short.
    """
    s = _series(series)
    n = _check_sizes(len(s), window, steps, what="steps")
    x = np.lib.stride_tricks.sliding_window_view(s, window)[:n].copy()
    y = np.lib.stride_tricks.sliding_window_view(s[window:], steps)[:n].copy()
    return x, y


def chronological_split(series, fractions=(0.7, 0.15, 0.15), *, context: int = 0):
    """Split a series in time order into training, validation and test parts.

    The boundaries are ``a = round(f_train * T)`` and ``b = a + round(f_val * T)``. The
    validation part is ``series[a - context : b]`` and the test part ``series[b - context :]``:
    the ``context`` values before each boundary are repeated as inputs only, so that with
    ``context = window`` the first validation (test) target is the first value after the
    boundary. No value after a boundary is ever seen by an earlier part.

    Args:
        series: ``(T,)`` values.
        fractions: three non-negative numbers summing to 1.
        context: values to prefix to the validation and test parts (``0 <= context <= a``).

    Returns:
        ``(train, val, test)`` views of ``series``.

    Raises:
        ValueError: ``series`` is not 1-D; fractions do not sum to 1; bad ``context``.
    """
    s = _series(series)
    f = np.asarray(fractions, dtype=float)
    if f.shape != (3,) or np.any(f < 0) or not np.isclose(f.sum(), 1.0):
        raise ValueError(f"fractions must be three non-negative numbers that sum to 1, "
                         f"got {tuple(fractions)}")
    a = int(round(f[0] * len(s)))
    b = a + int(round(f[1] * len(s)))
    if not 0 <= context <= min(a, b - a) or int(context) != context:
        raise ValueError(f"context must be an integer in [0, {min(a, b - a)}] for these "
                         f"boundaries ({a}, {b}), got {context!r}")
    return s[:a], s[a - context:b], s[b - context:]


@dataclass(frozen=True)
class Standardizer:
    """``z = (s - mean) / std`` with statistics from the training part only.

    Create with :meth:`fit` on the training series; apply :meth:`transform` to every part and
    :meth:`inverse` to predictions, to report errors in the data's units.

    Attributes:
        mean: training mean (data units).
        std: training standard deviation (population, ``ddof=0``; data units).
    """

    mean: float
    std: float

    @classmethod
    def fit(cls, train) -> "Standardizer":
        """Statistics of ``train``, a ``(T,)`` series. Raises ``ValueError`` if constant or
        not 1-D."""
        s = _series(train, "train").astype(np.float64)
        std = float(s.std())
        if not std > 0:
            raise ValueError("train is constant (std = 0): cannot standardize")
        return cls(mean=float(s.mean()), std=std)

    def transform(self, s):
        """``(s - mean) / std``, any shape."""
        return (np.asarray(s) - self.mean) / self.std

    def inverse(self, z):
        """``z * std + mean``, any shape (back to data units)."""
        return np.asarray(z) * self.std + self.mean


def persistence(x) -> np.ndarray:
    """The persistence ("naive", random-walk) forecast: the window's last value.

    Args:
        x: ``(n, window)`` or ``(n, window, 1)`` windows.

    Returns:
        ``(n,)`` forecasts, ``x[:, -1]``.

    Raises:
        ValueError: wrong shape.
    """
    return _windows_2d(x)[:, -1].copy()


@dataclass(frozen=True)
class ARModel:
    """Linear autoregression AR(p): ``s_t = c + a_1 s_{t-1} + ... + a_p s_{t-p} + e_t``.

    Attributes:
        coef: ``(p,)`` float64, ``coef[k-1] = a_k`` multiplies the value ``k`` steps back.
        intercept: ``c``, in the series' units.
    """

    coef: np.ndarray
    intercept: float

    @property
    def p(self) -> int:
        """The order ``p``."""
        return len(self.coef)

    def predict(self, x) -> np.ndarray:
        """One-step forecasts from windows (only their last ``p`` values are used).

        Args:
            x: ``(n, window)`` or ``(n, window, 1)`` windows with ``window >= p``.

        Returns:
            ``(n,)`` float64 forecasts of the value after each window.

        Raises:
            ValueError: wrong shape, or windows shorter than ``p``.
        """
        a = _windows_2d(x)
        if a.shape[1] < self.p:
            raise ValueError(f"x: windows must hold at least {self.p} values (p), "
                             f"got shape {a.shape}")
        lags = a[:, ::-1][:, :self.p]  # column k-1 = value k steps back
        return self.intercept + lags @ self.coef


def fit_ar(series, p: int) -> ARModel:
    """Fit AR(p) by ordinary least squares (:func:`numpy.linalg.lstsq`).

    Minimizes ``sum_t (s_t - c - sum_k a_k s_{t-k})^2`` over every ``t >= p`` of ``series``
    (conditional least squares, Box & Jenkins 1976, ch. 7). Fit it on the training part only.

    Args:
        series: ``(T,)`` training values, ``T > p + 1``.
        p: order, ``>= 1``.

    Returns:
        The fitted :class:`ARModel`.

    Raises:
        ValueError: ``series`` not 1-D, ``p < 1`` or too few values.
    """
    s = _series(series).astype(np.float64)
    if int(p) != p or p < 1:
        raise ValueError(f"p must be a positive integer, got {p!r}")
    if len(s) < 2 * p + 2:
        raise ValueError(f"series too short to fit AR({p}): {len(s)} values, need >= {2 * p + 2}")
    x, y = window_arrays(s, p, 1)
    design = np.column_stack([np.ones(len(x)), x[:, ::-1]])  # [1, s_{t-1}, ..., s_{t-p}]
    w, *_ = np.linalg.lstsq(design, y, rcond=None)
    return ARModel(coef=w[1:], intercept=float(w[0]))


def iterate_forecast(predict: Callable, x, steps: int) -> np.ndarray:
    """Multi-step forecasts by feeding each one-step forecast back as the newest input.

    From window ``(s_{t-w+1}, ..., s_t)`` it predicts ``s_{t+1}``, slides the window to
    ``(s_{t-w+2}, ..., s_t, \\hat s_{t+1})``, predicts ``s_{t+2}``, and so on.

    Args:
        predict: maps a batch of windows, shaped like ``x``, to ``(n,)`` or ``(n, 1)``
            forecasts (a NumPy baseline, or a Keras model's ``predict_on_batch``).
        x: ``(n, window)`` or ``(n, window, 1)`` windows (the latter is kept for Keras).
        steps: how many steps ahead, ``>= 1``.

    Returns:
        ``(n, steps)`` float64; column ``k - 1`` forecasts the value ``k`` steps after the
        window's last input.

    Raises:
        ValueError: bad ``steps``, wrong shape of ``x``, or ``predict`` returned a shape
            other than ``(n,)`` / ``(n, 1)``.
    """
    if int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    cur = np.array(x, copy=True)
    _windows_2d(cur)
    n = cur.shape[0]
    out = np.empty((n, steps))
    for k in range(steps):
        yhat = np.asarray(predict(cur))
        if yhat.shape not in ((n,), (n, 1)):
            raise ValueError(f"predict returned shape {yhat.shape}, expected ({n},) or ({n}, 1)")
        yhat = yhat.reshape(n)
        out[:, k] = yhat
        cur = np.roll(cur, -1, axis=1)
        cur[:, -1] = yhat[:, None] if cur.ndim == 3 else yhat
    return out
