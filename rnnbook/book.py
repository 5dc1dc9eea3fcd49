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

__all__ = ["glue", "to_python"]


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
