"""Gradient dynamics of the Elman RNN: state Jacobians, their products, spectral radius.

Chapter 4, "Vanishing and exploding gradients". Conventions are those of
:mod:`rnnbook.scratch`: batch-major arrays, row vectors, float64, and the Elman step
``h_t = phi(x_t W_xh + h_{t-1} W_hh + b_h)`` with ``phi = tanh`` (or the identity, the
"linear" cell). Differentiating one step element by element,
``d h_t[j] / d h_{t-1}[i] = phi'(a_t[j]) W_hh[i, j]``, so the Jacobian in numerator layout
(row = output component, column = input component) is::

    J_t = d h_t / d h_{t-1} = diag(phi'(a_t)) W_hh^T,   phi'(a_t) = 1 - h_t**2 for tanh,

and the Jacobian across ``k`` steps is the ordered product
``d h_T / d h_{T-k} = J_T J_{T-1} ... J_{T-k+1}`` (Bengio, Simard & Frasconi 1994; Pascanu,
Mikolov & Bengio 2013, eq. 5). A row-vector gradient travels backwards by the same matrices,
``dL/dh_{t-1} = (dL/dh_t) J_t``, which is the line ``dh_next = delta @ W_hh.T`` of
:func:`rnnbook.scratch.rnn_backward`.

Gradient clipping, the remedy for exploding gradients, is optimisation and lives in
:mod:`rnnbook.optim`.

Index convention: ``h[:, s]`` (0-based) is ``h_{s+1}``; the initial state ``h_0`` is not
needed, because ``J_t`` only reads ``h_t``.

Wrong shapes raise :class:`ValueError` naming the expected and the actual shapes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import (
    as_float64,
    expect_ndim,
    expect_shape,
    int_in_range,
    one_of,
    positive_number,
    square_matrix,
)

__all__ = [
    "ACTIVATIONS",
    "step_jacobians",
    "jacobian_product",
    "lag_jacobian_norms",
    "spectral_radius",
    "scale_to_spectral_radius",
]

#: Hidden activations whose derivative :func:`step_jacobians` knows (as a function of h_t).
ACTIVATIONS: tuple[str, ...] = ("tanh", "linear")


def _check_h_W(h: Any, W_hh: Any) -> tuple[np.ndarray, np.ndarray]:
    """``h`` ``(B, T, H)`` and ``W_hh`` ``(H, H)`` as float64 arrays."""
    h, W_hh = as_float64("h", h), as_float64("W_hh", W_hh)
    expect_ndim("h", h, 3, "(B, T, H)")
    H = h.shape[2]
    expect_shape("W_hh", W_hh, (H, H), "(H, H)")
    return h, W_hh


def _derivative(h: np.ndarray, activation: str) -> np.ndarray:
    """``phi'(a_t)`` as a function of ``h_t = phi(a_t)``."""
    if one_of("activation", activation, ACTIVATIONS) == "tanh":
        return 1.0 - h**2
    return np.ones_like(h)  # linear


def step_jacobians(h: Any, W_hh: Any, activation: str = "tanh") -> np.ndarray:
    """Every one-step Jacobian ``J_t = d h_t / d h_{t-1} = diag(phi'(a_t)) W_hh^T``.

    Chapter 4, §"The Jacobian of one step, and of many" (checked against central
    differences), and §"A bound through the largest singular value" (shows this code).

    Args:
        h: hidden states ``(B, T, H)`` from :func:`rnnbook.scratch.rnn_forward` (for the
            linear cell only the shape is read: its Jacobian does not depend on the state).
        W_hh: recurrent weights ``(H, H)`` (Keras "recurrent_kernel" layout).
        activation: ``"tanh"`` (``phi' = 1 - h_t**2``) or ``"linear"`` (``phi' = 1``).

    Returns:
        ``(B, T, H, H)`` float64; ``J[b, s]`` is ``d h_{s+1} / d h_s`` for sequence ``b`` in
        numerator layout: ``J[b, s, j, i] = d h_{s+1}[j] / d h_s[i]``.

    Raises:
        ValueError: ``h`` is not 3-D, ``W_hh`` is not ``(H, H)``, or unknown activation.
    """
    h, W_hh = _check_h_W(h, W_hh)
    d = _derivative(h, activation)  # (B, T, H)
    return d[..., :, None] * W_hh.T  # row j scaled by phi'(a[j])


def jacobian_product(h: Any, W_hh: Any, k: int, activation: str = "tanh") -> np.ndarray:
    """The Jacobian across ``k`` steps, ``d h_T / d h_{T-k} = J_T J_{T-1} ... J_{T-k+1}``.

    Pascanu, Mikolov & Bengio (2013), eq. 5; chapter 4, §"The Jacobian of one step, and of
    many".

    Args:
        h, W_hh, activation: as for :func:`step_jacobians`.
        k: the lag, ``0 <= k <= T`` (``k = 0`` gives the identity, ``k = T`` the Jacobian
            with respect to the initial state ``h_0``).

    Returns:
        ``(B, H, H)`` float64, numerator layout.

    Raises:
        ValueError: bad shapes or activation, or ``k`` outside ``[0, T]``.
    """
    h, W_hh = _check_h_W(h, W_hh)
    B, T, H = h.shape
    k = int_in_range("k", k, 0, T, "[0, T]")
    J = step_jacobians(h, W_hh, activation)
    P = np.broadcast_to(np.eye(H), (B, H, H)).copy()
    for j in range(1, k + 1):
        P = P @ J[:, T - j]  # append J_{T-j+1} on the right
    return P


def lag_jacobian_norms(h: Any, W_hh: Any, activation: str = "tanh") -> np.ndarray:
    """Spectral norms ``||d h_T / d h_{T-k}||_2`` for every lag ``k = 0..T``.

    The norm is the largest singular value, so by submultiplicativity
    ``||d h_T / d h_{T-k}||_2 <= (gamma * sigma_max(W_hh))**k`` with
    ``gamma = max |phi'| = 1`` for tanh and for the linear cell (Pascanu et al. 2013, eq. 7).
    Chapter 4, §"A bound through the largest singular value" and the sections after it.

    Args:
        h, W_hh, activation: as for :func:`step_jacobians`.

    Returns:
        ``(B, T + 1)`` float64; column ``k`` is the norm at lag ``k`` (column 0 is 1).

    Raises:
        ValueError: bad shapes or activation.
    """
    h, W_hh = _check_h_W(h, W_hh)
    B, T, H = h.shape
    J = step_jacobians(h, W_hh, activation)
    out = np.empty((B, T + 1))
    out[:, 0] = 1.0
    P = np.broadcast_to(np.eye(H), (B, H, H)).copy()
    for j in range(1, T + 1):
        P = P @ J[:, T - j]
        out[:, j] = np.linalg.svd(P, compute_uv=False)[:, 0]
    return out


def spectral_radius(W: Any) -> float:
    """Spectral radius ``rho(W) = max_i |lambda_i(W)|``, the largest absolute eigenvalue.

    For the linear cell, ``rho(W_hh) < 1`` makes ``(W_hh^T)^k`` vanish as ``k`` grows and
    ``rho(W_hh) > 1`` makes it explode. Chapter 4, §"A bound through the largest singular
    value" and §"Orthogonal versus Gaussian initialization".

    Args:
        W: square matrix ``(n, n)``, ``n >= 1``.

    Returns:
        ``rho(W)``, a float ``>= 0``.

    Raises:
        ValueError: ``W`` is not a square matrix.
    """
    W = square_matrix("W", W)
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def scale_to_spectral_radius(W: Any, rho: float) -> np.ndarray:
    """``W`` rescaled so that its spectral radius is ``rho`` (as in echo-state networks).

    Chapter 4, §"Sweeping the spectral radius".

    Args:
        W: square matrix ``(n, n)``.
        rho: the target spectral radius, ``rho >= 0``.

    Returns:
        ``(n, n)`` float64, ``W * rho / spectral_radius(W)``.

    Raises:
        ValueError: ``W`` is not square, ``rho < 0``, or ``W`` has spectral radius zero
            (nilpotent: no rescaling reaches ``rho``).
    """
    rho = positive_number("rho", rho, allow_zero=True)
    W = square_matrix("W", W)
    r = spectral_radius(W)
    if r == 0.0:
        raise ValueError("W has spectral radius zero (it is nilpotent); it cannot be rescaled")
    return W * (rho / r)
