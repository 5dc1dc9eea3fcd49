"""Forecasting a univariate series: windows, chronological splits, scaling, baselines.

Defined and used in chapter 5, "Sequence regression: forecasting sunspots"
(``chapters/05_sequence_regression.ipynb``). Conventions:

* a **series** is a 1-D array ``(T,)`` of values in the data's own units (e.g. sunspot number);
* a **window** is ``window`` consecutive values ``s[i], ..., s[i + window - 1]``; its
  **target** for ``horizon = k >= 1`` is ``s[i + window - 1 + k]``, the value ``k``
  steps after the window's last input (``k = 1``: the next value);
* Keras models see windows as ``(batch, window, 1)`` float32 (batch, time, features); NumPy
  baselines accept ``(n, window)`` or ``(n, window, 1)``.

Functions: :func:`window_arrays` (NumPy windows), :func:`make_windows` (the same windows as a
``tf.data.Dataset`` from :func:`keras.utils.timeseries_dataset_from_array`),
:func:`multistep_arrays` (targets 1..steps ahead), :func:`chronological_split`,
:class:`Standardizer` (fitted on training data only), :func:`persistence`, :func:`fit_ar` /
:class:`ARModel` (least-squares autoregression, Box & Jenkins 1976), :func:`iterate_forecast`
(multi-step forecasts by feeding predictions back).

Wrong shapes raise :class:`ValueError` naming the expected and the actual shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validate import int_in_range, positive_int, series_1d, window_count, windows_2d

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


def window_arrays(series, window: int, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """All windows of a series and their targets, as NumPy arrays.

    Window ``i`` holds ``series[i : i + window]``; its target is
    ``series[i + window - 1 + horizon]``, the value ``horizon`` steps after the last input.
    Chapter 5, §"From a series to (window, target) pairs".

    Args:
        series: ``(T,)`` values (any real dtype; the output keeps it).
        window: inputs per window, an integer ``>= 1``.
        horizon: steps from the last input to the target, an integer ``>= 1``.

    Returns:
        ``(x, y)``: ``(n, window)`` windows and ``(n,)`` targets, ``n = T - window - horizon + 1``.

    Raises:
        ValueError: ``series`` is not 1-D; ``window`` or ``horizon`` is not an integer
            ``>= 1``; ``T < window + horizon`` (no window fits).
    """
    s = series_1d("series", series)
    n = window_count(len(s), window, horizon)
    x = np.lib.stride_tricks.sliding_window_view(s, window)[:n].copy()
    y = s[window - 1 + horizon :].copy()
    return x, y


def make_windows(
    series,
    window: int,
    horizon: int = 1,
    *,
    batch_size: int = 64,
    shuffle: bool = False,
    seed: int | None = None,
):
    """The windows of :func:`window_arrays` as a batched ``tf.data.Dataset`` for Keras.

    Built with :func:`keras.utils.timeseries_dataset_from_array`, whose rule is that
    ``targets[i]`` belongs to the window *starting* at ``data[i]``. Passing
    ``data = series[:-horizon]`` and ``targets = series[window - 1 + horizon:]`` therefore pairs
    the window ``series[i : i + window]`` with ``series[i + window - 1 + horizon]``. Chapter 5,
    §"Normalization from the training months only" (where the Keras models get their data).

    Args:
        series: ``(T,)`` values, already scaled as the model expects (converted to float32).
        window: inputs per window, an integer ``>= 1``.
        horizon: steps from the last input to the target, an integer ``>= 1``.
        batch_size: windows per batch.
        shuffle: shuffle the windows (pairs stay together); use for training only.
        seed: shuffle seed.

    Returns:
        A ``tf.data.Dataset`` of ``(x, y)`` batches: ``x`` float32 ``(batch, window, 1)``
        (batch, time, features) and ``y`` float32 ``(batch, 1)``.

    Raises:
        ValueError: as :func:`window_arrays`.
    """
    s = series_1d("series", series)
    window_count(len(s), window, horizon)
    import keras

    s = s.astype(np.float32)[:, None]  # (T, 1): one feature per step
    return keras.utils.timeseries_dataset_from_array(
        data=s[:-horizon],
        targets=s[window - 1 + horizon :],
        sequence_length=window,
        sequence_stride=1,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
    )


def multistep_arrays(series, window: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows and the ``steps`` values that follow each, for multi-step forecasting.

    Chapter 5, §"Iterated multi-step forecasts" (the truth that iterated forecasts are scored
    against).

    Args:
        series: ``(T,)`` values (any real dtype; the output keeps it).
        window: inputs per window, an integer ``>= 1``.
        steps: how many future values per window, an integer ``>= 1``.

    Returns:
        ``(x, y)``: ``(n, window)`` and ``(n, steps)`` with
        ``y[i, k-1] = series[i + window - 1 + k]``
        (``k`` steps after the last input), ``n = T - window - steps + 1``.

    Raises:
        ValueError: ``series`` is not 1-D; ``window`` or ``steps`` is not an integer ``>= 1``;
            ``T < window + steps``.
    """
    s = series_1d("series", series)
    n = window_count(len(s), window, steps, what="steps")
    x = np.lib.stride_tricks.sliding_window_view(s, window)[:n].copy()
    y = np.lib.stride_tricks.sliding_window_view(s[window:], steps)[:n].copy()
    return x, y


def chronological_split(series, fractions=(0.7, 0.15, 0.15), *, context: int = 0):
    """Split a series in time order into training, validation and test parts.

    The boundaries are ``a = round(f_train * T)`` and ``b = a + round(f_val * T)`` (Python's
    :func:`round`: halves go to the even integer). The validation part is
    ``series[a - context : b]`` and the test part ``series[b - context :]``: the ``context``
    values before each boundary are repeated as inputs only, so that with ``context = window``
    the first validation (test) target is the first value after the boundary. No value after a
    boundary is ever seen by an earlier part. Chapter 5, §"The data and a chronological split".

    ``context`` may not exceed ``min(a, b - a)``: the validation part's context comes from the
    training part and the test part's context from the validation part, never from two parts
    back (and a validation part shorter than ``context`` would hold no new value to predict).

    Args:
        series: ``(T,)`` values.
        fractions: three non-negative numbers summing to 1 (train, validation, test).
        context: values to prefix to the validation and test parts, an integer with
            ``0 <= context <= min(a, b - a)``.

    Returns:
        ``(train, val, test)``: views of ``series`` of lengths ``a``, ``b - a + context`` and
        ``T - b + context``, dtype kept.

    Raises:
        ValueError: ``series`` is not 1-D; ``fractions`` are not three non-negative numbers
            summing to 1; ``context`` is not an integer in ``[0, min(a, b - a)]``.
    """
    s = series_1d("series", series)
    f = np.asarray(fractions, dtype=float)
    if f.shape != (3,) or np.any(f < 0) or not np.isclose(f.sum(), 1.0):
        raise ValueError(
            f"fractions must be three non-negative numbers that sum to 1, got {tuple(fractions)}"
        )
    a = int(round(f[0] * len(s)))
    b = a + int(round(f[1] * len(s)))
    context = int_in_range("context", context, 0, min(a, b - a), "[0, min(a, b - a)]")
    return s[:a], s[a - context : b], s[b - context :]


@dataclass(frozen=True)
class Standardizer:
    """``z = (s - mean) / std`` with statistics from the training part only.

    Create with :meth:`fit` on the training series; apply :meth:`transform` to every part and
    :meth:`inverse` to predictions, to report errors in the data's units. Chapter 5,
    §"Normalization from the training months only".

    Attributes:
        mean: training mean (data units).
        std: training standard deviation (population, ``ddof=0``; data units).
    """

    mean: float
    std: float

    @classmethod
    def fit(cls, train) -> Standardizer:
        """The mean and standard deviation of ``train``, computed in float64.

        Args:
            train: ``(T,)`` training values.

        Returns:
            The fitted :class:`Standardizer`.

        Raises:
            ValueError: ``train`` is not 1-D, is constant (``std = 0``), or holds a
                non-finite value.
        """
        s = series_1d("train", train).astype(np.float64)
        std = float(s.std())
        if std == 0:
            raise ValueError("train is constant (std = 0): cannot standardize")
        if not np.isfinite(std):
            raise ValueError(f"train holds a non-finite value (std = {std}): cannot standardize")
        return cls(mean=float(s.mean()), std=std)

    def transform(self, s):
        """``(s - mean) / std``: any shape; float32 input stays float32, other input becomes
        float64 (NumPy's rules for a Python float)."""
        return (np.asarray(s) - self.mean) / self.std

    def inverse(self, z):
        """``z * std + mean``, back to data units: any shape, dtypes as :meth:`transform`."""
        return np.asarray(z) * self.std + self.mean


def persistence(x) -> np.ndarray:
    """The persistence ("naive", random-walk) forecast: the window's last value.

    Chapter 5, §"Two baselines".

    Args:
        x: ``(n, window)`` or ``(n, window, 1)`` windows.

    Returns:
        ``(n,)`` forecasts, the last value of each window (dtype of ``x`` kept).

    Raises:
        ValueError: wrong shape.
    """
    return windows_2d("x", x)[:, -1].copy()


@dataclass(frozen=True)
class ARModel:
    """Linear autoregression AR(p): ``s_t = c + a_1 s_{t-1} + ... + a_p s_{t-p} + e_t``.

    Box & Jenkins (1976); fitted by :func:`fit_ar`. Chapter 5, §"Two baselines".

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
        a = windows_2d("x", x)
        if a.shape[1] < self.p:
            raise ValueError(
                f"x must have shape (n, window) with window >= p = {self.p}, got {a.shape}"
            )
        lags = a[:, ::-1][:, : self.p]  # column k-1 = value k steps back
        return self.intercept + lags @ self.coef


def fit_ar(series, p: int) -> ARModel:
    """Fit AR(p) by ordinary least squares (:func:`numpy.linalg.lstsq`).

    Minimizes ``sum_t (s_t - c - sum_k a_k s_{t-k})^2`` over every ``t >= p`` (0-based) of
    ``series`` (conditional least squares, Box & Jenkins 1976, ch. 7): ``T - p`` equations in
    ``p + 1`` unknowns (``c`` and ``a_1..a_p``). The fit requires more equations than unknowns,
    ``T - p >= p + 2``, that is ``T >= 2p + 2``, so that at least one residual is left and the
    coefficients are not merely interpolated. Fit it on the training part only. Chapter 5,
    §"Two baselines".

    Args:
        series: ``(T,)`` training values (any real dtype), ``T >= 2p + 2``.
        p: the order, an integer ``>= 1``.

    Returns:
        The fitted :class:`ARModel` (float64 coefficients, intercept in the series' units).

    Raises:
        ValueError: ``series`` not 1-D, ``p`` not an integer ``>= 1``, or ``T < 2p + 2``.
    """
    s = series_1d("series", series).astype(np.float64)
    p = positive_int("p", p)
    if len(s) < 2 * p + 2:
        raise ValueError(f"series too short to fit AR({p}): {len(s)} values, need >= {2 * p + 2}")
    x, y = window_arrays(s, p, 1)
    design = np.column_stack([np.ones(len(x)), x[:, ::-1]])  # [1, s_{t-1}, ..., s_{t-p}]
    w, *_ = np.linalg.lstsq(design, y, rcond=None)
    return ARModel(coef=w[1:], intercept=float(w[0]))


def iterate_forecast(predict: Callable, x, steps: int) -> np.ndarray:
    """Multi-step forecasts by feeding each one-step forecast back as the newest input.

    From window ``(s_{t-w+1}, ..., s_t)`` it predicts ``s_{t+1}``, slides the window to
    ``(s_{t-w+2}, ..., s_t, \\hat s_{t+1})``, predicts ``s_{t+2}``, and so on. Chapter 5,
    §"Iterated multi-step forecasts".

    Args:
        predict: maps a batch of windows, shaped like ``x``, to ``(n,)`` or ``(n, 1)``
            forecasts (a NumPy baseline, or a Keras model's ``predict_on_batch``).
        x: ``(n, window)`` or ``(n, window, 1)`` windows (the latter is kept for Keras). A
            floating dtype is kept (float32 for Keras); integer windows become float64, so
            that the forecasts fed back are not rounded.
        steps: how many steps ahead, ``>= 1``.

    Returns:
        ``(n, steps)`` float64; column ``k - 1`` forecasts the value ``k`` steps after the
        window's last input.

    Raises:
        ValueError: bad ``steps``, wrong shape of ``x``, or ``predict`` returned a shape
            other than ``(n,)`` / ``(n, 1)``.
    """
    steps = positive_int("steps", steps)
    windows_2d("x", x)  # (n, window) or (n, window, 1); the shape of x is kept for predict
    cur = np.array(x, copy=True)
    if not np.issubdtype(cur.dtype, np.floating):
        cur = cur.astype(np.float64)
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
