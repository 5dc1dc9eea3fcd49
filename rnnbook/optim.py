"""Optimisation helpers: gradient norms, gradient clipping and the angle between two steps.

Chapter 3, "Backpropagation through time", §"Training a character-level language model"
(clipping the NumPy character model's updates) and §"What truncation dropped" (the cosine
between truncated and full gradients), and chapter 4, "Vanishing and exploding gradients",
§"Clipping: per tensor or by the global norm" (why clipping by the global norm keeps the
direction of the step). A gradient is a list of arrays, one per variable, taken
together as one flat vector.

Two conventions hold in every function here:

* **No overflow.** Norms are computed as ``m * sqrt(sum((g / m)**2))`` with ``m = max |g|``
  (the scaling of LAPACK's ``dnrm2``), so a gradient of norm ``1e200`` is measured and clipped
  correctly instead of its sum of squares overflowing to ``inf``.
* **Non-finite gradients fail visibly.** A norm with a ``nan`` entry is ``nan``; otherwise one
  with an ``inf`` entry is ``inf``. Clipping a gradient whose (global) norm is not finite
  returns NaN in **every** entry of the tensors it scales, as ``tf.clip_by_global_norm`` and
  Keras 3's ``global_clipnorm`` do, never a plausible-looking partial step. The cosine of
  a non-finite gradient is ``nan``.

Clipping follows Pascanu, Mikolov & Bengio (2013), algorithm 1, in the two forms Keras 3
optimizers offer: per tensor (``clipnorm``) and by the global norm (``global_clipnorm``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._validate import as_float64, expect_shape, positive_number

__all__ = [
    "global_norm",
    "clip_by_global_norm",
    "clip_by_norm_per_tensor",
    "cosine_similarity",
]


def _norm(g: np.ndarray) -> float:
    """Euclidean norm of all entries of ``g`` without overflow (``nan``/``inf`` as stated)."""
    if g.size == 0:
        return 0.0
    if np.isnan(g).any():
        return float("nan")
    m = float(np.max(np.abs(g)))
    if not np.isfinite(m):
        return float("inf")
    if m == 0.0:
        return 0.0
    return m * float(np.sqrt(np.sum((g / m) ** 2)))


def global_norm(grads: Sequence[Any]) -> float:
    """``sqrt(sum_i ||g_i||^2)``: the Euclidean norm of all tensors as one flat vector.

    Chapter 4, §"Clipping: per tensor or by the global norm".

    Args:
        grads: list of arrays of any shapes (one per variable), converted to float64.

    Returns:
        The norm, a float ``>= 0`` (0 for an empty list); ``nan`` if an entry is ``nan``, else
        ``inf`` if an entry is infinite. Computed without overflow (module docstring).

    Raises:
        ValueError: a tensor is not numeric.
    """
    return _norm(np.array([_norm(as_float64(f"grads[{i}]", g)) for i, g in enumerate(grads)]))


def clip_by_global_norm(grads: Sequence[Any], clip_norm: float) -> tuple[list[np.ndarray], float]:
    """Rescale the whole gradient when its global norm exceeds ``clip_norm``.

    ``g <- g * clip_norm / max(||g||, clip_norm)`` with ``||g||`` the :func:`global_norm`
    (Pascanu et al. 2013, algorithm 1; Keras 3 ``global_clipnorm``). Every tensor is scaled
    by the same factor, so the direction of the step is kept. Chapter 3, §"Training a
    character-level language model"; chapter 4, §"Clipping: per tensor or by the global norm".

    Args:
        grads: list of arrays of any shapes (one per variable).
        clip_norm: the threshold, > 0.

    Returns:
        ``(clipped, norm)``: float64 arrays of the input shapes, and the global norm before
        clipping. If that norm is not finite, every clipped tensor is all NaN (module
        docstring), as ``tf.clip_by_global_norm`` returns.

    Raises:
        ValueError: ``clip_norm`` is not positive and finite, or a tensor is not numeric.
    """
    clip_norm = positive_number("clip_norm", clip_norm)
    arrays = [as_float64(f"grads[{i}]", g) for i, g in enumerate(grads)]
    norm = global_norm(arrays)
    if not np.isfinite(norm):
        return [np.full_like(g, np.nan) for g in arrays], norm
    scale = clip_norm / max(norm, clip_norm)
    return [g * scale for g in arrays], norm


def clip_by_norm_per_tensor(grads: Sequence[Any], clip_norm: float) -> list[np.ndarray]:
    """Rescale each tensor whose own norm exceeds ``clip_norm`` (Keras 3 ``clipnorm``).

    ``g_i <- g_i * clip_norm / max(||g_i||, clip_norm)`` for each tensor separately: tensors
    get different factors, so the direction of the whole step changes. Chapter 4,
    §"Clipping: per tensor or by the global norm".

    Args:
        grads: list of arrays of any shapes.
        clip_norm: the threshold, > 0.

    Returns:
        list of float64 arrays of the input shapes; a tensor whose norm is not finite comes
        back all NaN.

    Raises:
        ValueError: ``clip_norm`` is not positive and finite, or a tensor is not numeric.
    """
    clip_norm = positive_number("clip_norm", clip_norm)
    out = []
    for i, g in enumerate(grads):
        g = as_float64(f"grads[{i}]", g)
        n = _norm(g)
        out.append(
            g * (clip_norm / max(n, clip_norm)) if np.isfinite(n) else np.full_like(g, np.nan)
        )
    return out


def cosine_similarity(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Cosine of the angle between two gradients, each a list of tensors taken as one vector.

    Computed as ``sum_i <a_i / ||a||, b_i / ||b||>``, so it neither overflows nor underflows.
    Chapter 3, §"What truncation dropped"; chapter 4, §"Clipping: per tensor or by the global
    norm".

    Args:
        a, b: lists of arrays with matching shapes, tensor by tensor.

    Returns:
        A float in [-1, 1]; 0 when either is the zero vector, ``nan`` when either has a
        non-finite entry.

    Raises:
        ValueError: the lists differ in length or a pair of tensors differs in shape.
    """
    if len(a) != len(b):
        raise ValueError(
            f"a and b must hold the same number of tensors (same shape), got {len(a)} and {len(b)}"
        )
    xs = [as_float64(f"a[{i}]", x) for i, x in enumerate(a)]
    ys = [as_float64(f"b[{i}]", y) for i, y in enumerate(b)]
    for i, (x, y) in enumerate(zip(xs, ys)):
        expect_shape(f"b[{i}]", y, x.shape, f"a[{i}].shape")
    na, nb = global_norm(xs), global_norm(ys)
    if not (np.isfinite(na) and np.isfinite(nb)):
        return float("nan")
    if na == 0.0 or nb == 0.0:
        return 0.0
    cos = sum(float(np.sum((x / na) * (y / nb))) for x, y in zip(xs, ys))
    return float(np.clip(cos, -1.0, 1.0))
