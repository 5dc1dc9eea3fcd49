"""The private validators every module of rnnbook uses (rnnbook/_validate.py): one message form,
naming the argument, what it must be and what it is."""

from __future__ import annotations

from rnnbook import _validate as v

import numpy as np
import pytest


def test_shapes_and_dimensions():
    v.expect_shape("h0", np.zeros((2, 3)), (2, 3), "(B, H)")
    with pytest.raises(ValueError, match=r"^h0 must have shape \(B, H\) = \(2, 3\), got \(2, 4\)$"):
        v.expect_shape("h0", np.zeros((2, 4)), (2, 3), "(B, H)")
    with pytest.raises(
        ValueError,
        match=r"^h must have shape \(B, T, H\), got \(2,\) "
        r"\(1 dimensions instead of 3\)$",
    ):
        v.expect_ndim("h", np.zeros(2), 3, "(B, T, H)")
    x, B, T, D = v.sequence_batch("x", [[[1, 2]]])
    assert x.dtype == np.float64 and (B, T, D) == (1, 1, 2)
    with pytest.raises(ValueError, match="at least one time step"):
        v.sequence_batch("x", np.zeros((2, 0, 3)))
    with pytest.raises(ValueError, match="x must be a numeric array"):
        v.as_float64("x", ["a"])


def test_integers_numbers_and_choices():
    assert v.positive_int("n", np.int32(3)) == 3 and type(v.positive_int("n", 3)) is int
    for bad in (0, 2.0, True, "3", None):
        with pytest.raises(ValueError, match=r"^n must be an integer >= 1, got "):
            v.positive_int("n", bad)
    assert v.int_in_range("k", 4, 0, 4, "[0, T]") == 4
    with pytest.raises(ValueError, match=r"^k must be an integer in \[0, T\] = \[0, 4\], got 5$"):
        v.int_in_range("k", 5, 0, 4, "[0, T]")
    assert v.positive_number("c", 0.5) == 0.5 and v.positive_number("r", 0, allow_zero=True) == 0
    for bad in (0, -1.0, np.inf, np.nan, "x", None, True):
        with pytest.raises(ValueError, match=r"^c must be a finite number > 0, got "):
            v.positive_number("c", bad)
    assert v.one_of("split", "dev", ("train", "dev")) == "dev"
    with pytest.raises(ValueError, match=r"^split must be one of \('train', 'dev'\), got 'val'$"):
        v.one_of("split", "val", ("train", "dev"))


def test_series_windows_and_square_matrices():
    s = v.series_1d("series", np.arange(5, dtype=np.int32))
    assert s.dtype == np.int32  # the dtype is kept
    with pytest.raises(
        ValueError,
        match=r"^series must have shape \(T,\) \(one value per time "
        r"step\), got \(5, 1\)$",
    ):
        v.series_1d("series", np.zeros((5, 1)))
    assert v.windows_2d("x", np.zeros((4, 3, 1))).shape == (4, 3)
    with pytest.raises(
        ValueError,
        match=r"^x must have shape \(n, window\) or \(n, window, 1\), "
        r"got \(4, 3, 2\)$",
    ):
        v.windows_2d("x", np.zeros((4, 3, 2)))
    assert v.window_count(10, 3, 2) == 6
    with pytest.raises(ValueError, match=r"need >= 7"):
        v.window_count(6, 4, 3)
    with pytest.raises(ValueError, match=r"^steps must be an integer >= 1, got 0$"):
        v.window_count(6, 4, 0, what="steps")
    assert v.square_matrix("W", [[1, 2], [3, 4]]).dtype == np.float64
    with pytest.raises(
        ValueError, match=r"^W must have shape \(n, n\) \(a square matrix\), got \(3,\)$"
    ):
        v.square_matrix("W", np.zeros(3))
