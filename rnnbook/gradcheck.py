"""Numerical gradient checks by central differences (CS231n-style, with a norm-based error).

Used by the tests and by chapters 2 to 4: chapter 2, §"The source article's `RNN` class, and
what is wrong with it"; chapter 3, §"The backward pass, step by step"; chapter 4, §"The
Jacobian of one step, and of many". Work in float64: in float32 the round-off of a central
difference is ~1e-3 relative and no check below 1e-7 is possible.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validate import as_float64, expect_shape

__all__ = ["numerical_gradient", "relative_error", "check_gradient"]


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function with respect to an array.

    ``df/dx[k] ~= (f(x + eps e_k) - f(x - eps e_k)) / (2 eps)``: error O(eps^2) from
    truncation plus O(machine epsilon / eps) from round-off; eps = 1e-6 balances the two in
    float64 (relative error ~1e-10 for smooth functions of size ~1). Chapter 2, §"The source
    article's `RNN` class, and what is wrong with it"; chapter 3, §"The backward pass, step by
    step"; chapter 4, §"The Jacobian of one step, and of many".

    Args:
        f: function of no arguments returning a float; it must read ``x`` (the array is
            perturbed *in place*, one element at a time, and restored afterwards, also when
            ``f`` raises).
        x: float64 array of any shape, the variable to differentiate by.
        eps: step size.

    Returns:
        The numerical gradient, a float64 array of ``x.shape``.

    Raises:
        ValueError: ``x`` is not a float64 ndarray (a perturbation of a float32 copy would be
            lost or rounded away) or ``f`` does not return a scalar.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError(
            f"x must be a float64 numpy array (perturbed in place), got "
            f"{type(x).__name__} of dtype {getattr(x, 'dtype', None)}"
        )
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        idx = it.multi_index
        old = x[idx]
        try:
            x[idx] = old + eps
            f_plus = f()
            x[idx] = old - eps
            f_minus = f()
        finally:  # x is usually a weight array: leave it as it was, even if f raises
            x[idx] = old
        if np.ndim(f_plus) != 0:
            raise ValueError(f"f must return a scalar, got shape {np.shape(f_plus)}")
        grad[idx] = (f_plus - f_minus) / (2.0 * eps)
        it.iternext()
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """Relative error ``||a - b|| / max(||a|| + ||b||, tiny)`` (Frobenius norms).

    A norm-based error, unlike CS231n's element-wise maximum, is not dominated by elements
    that are zero up to round-off. Two zero arrays have error 0. Chapter 2, §"The source
    article's `RNN` class, and what is wrong with it", and every chapter after it that checks
    a gradient or compares NumPy with Keras.

    Args:
        a: array of any shape (converted to float64).
        b: array of the shape of ``a``.

    Returns:
        A float in [0, 1] (``nan`` if an entry is ``nan``); below 1e-7 is the book's pass mark
        for gradients in float64.

    Raises:
        ValueError: the shapes differ (the message names both).
    """
    a, b = as_float64("a", a), as_float64("b", b)
    expect_shape("b", b, a.shape, "a.shape")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    if denom == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / max(denom, np.finfo(np.float64).tiny))


def check_gradient(
    f: Callable[[], float], x: np.ndarray, analytic: np.ndarray, eps: float = 1e-6
) -> float:
    """Relative error between an analytic gradient and the central-difference one.

    ``relative_error(analytic, numerical_gradient(f, x, eps))`` in one call, as the tests use
    it; the chapters spell out the two steps (chapter 3, §"The backward pass, step by step").

    Args:
        f: as for :func:`numerical_gradient`.
        x: as for :func:`numerical_gradient`.
        analytic: the gradient to check, shape ``x.shape``.
        eps: as for :func:`numerical_gradient`.

    Returns:
        :func:`relative_error` of the two; below 1e-7 is the book's pass mark in float64.

    Raises:
        ValueError: as :func:`numerical_gradient`, or ``analytic`` does not have the shape of
            ``x``.
    """
    expect_shape("analytic", np.asarray(analytic), np.shape(x), "x.shape")  # before the slow part
    return relative_error(analytic, numerical_gradient(f, x, eps))
