"""Glue for the book's pages: one way to hand a computed value to the prose.

Every number in the text of a chapter comes from an executed cell through myst-nb's
``glue`` (the house rules in CONTRIBUTING.md). :func:`glue` is the only spelling the chapters
use: it turns NumPy scalars and 0-d arrays into plain Python numbers first, because under
NumPy 2 their ``repr`` is ``np.float64(0.25)``, which a ``{glue:text}`key:.2f``` format in
the prose cannot read.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["glue", "to_python", "round_outward"]


def to_python(value: Any) -> Any:
    """``value`` with NumPy scalars and one-element arrays turned into ``int``/``float``/``bool``.

    Other values (strings, Python numbers, figures) are returned unchanged. :func:`glue`
    applies it to every value; chapters call :func:`glue` (CONTRIBUTING.md, "Numbers in
    prose are glued").

    Args:
        value: anything.

    Returns:
        ``value``, or the Python number a NumPy scalar or one-element array holds.

    Raises:
        ValueError: ``value`` is an array with more than one element (glue a scalar, or a
            string you have formatted yourself).
    """
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise ValueError(f"glue a scalar: got an array of shape {value.shape}")
        return value.item()
    return value


def glue(key: str, value: Any) -> Any:
    """Store ``value`` under ``key`` for ``{glue:text}`` / ``{glue:}`` in the prose, unshown.

    Equivalent to ``myst_nb.glue(key, to_python(value), display=False)``. Every chapter glues
    its numbers with it (CONTRIBUTING.md, "Numbers in prose are glued").

    Args:
        key: the name the prose uses, unique within the book page.
        value: a number (Python or NumPy scalar), a string, or a matplotlib figure.

    Returns:
        ``value`` as stored (NumPy scalars converted by :func:`~rnnbook.book.to_python`), so
        that a cell can glue and use a number in one line.

    Raises:
        ValueError: ``value`` is an array with more than one element.
    """
    from myst_nb import glue as _myst_glue  # imported here: only notebooks need myst-nb

    value = to_python(value)
    _myst_glue(key, value, display=False)
    return value


def round_outward(value: Any, digits: int, direction: str) -> float:
    """``value`` rounded to ``digits`` significant digits **away from the claim's edge**.

    A bound quoted in the prose must stay a bound once printed: "at most 0.054" is false for
    0.05415, which round-to-nearest prints as 0.054. Round an upper bound ``"up"`` and a lower
    bound ``"down"`` before glueing it: ``round_outward(0.05415, 2, "up") == 0.055``.
    CONTRIBUTING.md, "Numbers in the prose", states the rule; chapters 1-3 use it.

    Args:
        value: a finite real number (Python or NumPy scalar).
        digits: significant digits to keep, ``>= 1``.
        direction: ``"up"`` (towards +inf, for an upper bound) or ``"down"`` (towards -inf,
            for a lower bound).

    Returns:
        A float with at most ``digits`` significant digits, ``>= value`` for ``"up"`` and
        ``<= value`` for ``"down"`` (exactly ``value`` when it needs no more digits).

    Raises:
        ValueError: ``value`` is not finite, ``digits < 1``, or ``direction`` is neither.
    """
    from ._validate import one_of, positive_int

    digits = positive_int("digits", digits)
    one_of("direction", direction, ("up", "down"))
    x = float(to_python(value))
    if not np.isfinite(x):
        raise ValueError(f"value must be finite, got {x!r}")
    if x == 0.0:
        return 0.0
    scale = 10.0 ** (digits - 1 - int(np.floor(np.log10(abs(x)))))
    # round first to 12 digits so that a value that is already short (0.25 = 0.2500000001
    # in binary) is not pushed to the next step by representation error
    scaled = round(x * scale, 12)
    step = np.ceil(scaled) if direction == "up" else np.floor(scaled)
    return float(step / scale)
