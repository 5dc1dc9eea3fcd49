"""One step of the gated cells (``lstm_step``, ``gru_step``): equal to the sequence functions,
the cell-state Jacobian of chapter 7, and the shape errors."""

from __future__ import annotations

import rnnbook  # noqa: F401  (sets the TensorFlow log level before keras is imported)
from rnnbook import scratch
from rnnbook.gradcheck import numerical_gradient, relative_error

import numpy as np
import pytest

B, T, D, H = 3, 5, 4, 6


def _lstm(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {
        "x": rng.normal(size=(B, T, D)),
        "h0": rng.normal(size=(B, H)) * 0.5,
        "c0": rng.normal(size=(B, H)) * 0.5,
        "W": rng.normal(size=(D, 4 * H)) * 0.5,
        "U": rng.normal(size=(H, 4 * H)) * 0.5,
        "b": rng.normal(size=4 * H) * 0.1,
    }


def _gru(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {
        "x": rng.normal(size=(B, T, D)),
        "h0": rng.normal(size=(B, H)) * 0.5,
        "W": rng.normal(size=(D, 3 * H)) * 0.5,
        "U": rng.normal(size=(H, 3 * H)) * 0.5,
        "b": rng.normal(size=(2, 3 * H)) * 0.1,
    }


def test_lstm_step_is_one_step_of_lstm_forward():
    p = _lstm(np.random.default_rng(0))
    h, cache = scratch.lstm_forward(p["x"], p["h0"], p["c0"], p["W"], p["U"], p["b"])
    h_t, c_t = p["h0"], p["c0"]
    for t in range(T):
        h_t, c_t = scratch.lstm_step(p["x"][:, t], h_t, c_t, p["W"], p["U"], p["b"])
        np.testing.assert_allclose(h_t, h[:, t], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(c_t, cache["c"][:, t], rtol=1e-13, atol=1e-15)
    assert h_t.dtype == c_t.dtype == np.float64
    assert h_t.shape == c_t.shape == (B, H)


def test_gru_step_is_one_step_of_gru_forward():
    p = _gru(np.random.default_rng(1))
    h, _ = scratch.gru_forward(p["x"], p["h0"], p["W"], p["U"], p["b"])
    h_t = p["h0"]
    for t in range(T):
        h_t = scratch.gru_step(p["x"][:, t], h_t, p["W"], p["U"], p["b"])
        np.testing.assert_allclose(h_t, h[:, t], rtol=1e-13, atol=1e-15)
    assert h_t.dtype == np.float64 and h_t.shape == (B, H)


def test_lstm_step_equals_keras_lstm_cell():
    import keras

    p = _lstm(np.random.default_rng(2))
    cell = keras.layers.LSTMCell(H, dtype="float64")
    cell.build((None, D))
    cell.set_weights([p["W"], p["U"], p["b"]])  # Keras order of the blocks: i, f, c, o
    out, (h_k, c_k) = cell(p["x"][:, 0], [p["h0"], p["c0"]])
    h_t, c_t = scratch.lstm_step(p["x"][:, 0], p["h0"], p["c0"], p["W"], p["U"], p["b"])
    np.testing.assert_allclose(np.asarray(h_k), h_t, atol=1e-12)
    np.testing.assert_allclose(np.asarray(c_k), c_t, atol=1e-12)
    np.testing.assert_allclose(np.asarray(out), h_t, atol=1e-12)


def test_gru_step_equals_keras_gru_cell():
    import keras

    p = _gru(np.random.default_rng(3))
    cell = keras.layers.GRUCell(H, dtype="float64")  # reset_after=True by default
    cell.build((None, D))
    cell.set_weights([p["W"], p["U"], p["b"]])  # blocks z, r, h; bias rows: input, recurrent
    out, _ = cell(p["x"][:, 0], [p["h0"]])
    h_t = scratch.gru_step(p["x"][:, 0], p["h0"], p["W"], p["U"], p["b"])
    np.testing.assert_allclose(np.asarray(out), h_t, atol=1e-12)


def test_cell_state_jacobian_on_the_direct_path_is_diag_f():
    """d c_t / d c_{t-1} with h_{t-1} held fixed is diag(f_t): chapter 7's direct path."""
    p = _lstm(np.random.default_rng(4))
    x_t, h_prev, c_prev = p["x"][:1, 0], p["h0"][:1], p["c0"][:1].copy()
    _, cache = scratch.lstm_forward(p["x"][:1, :1], h_prev, c_prev, p["W"], p["U"], p["b"])
    f_t = cache["f"][0, 0]
    jac = np.empty((H, H))
    for j in range(H):  # row j: gradient of c_t[j] with respect to c_{t-1}

        def c_j(j=j):
            return float(scratch.lstm_step(x_t, h_prev, c_prev, p["W"], p["U"], p["b"])[1][0, j])

        jac[j] = numerical_gradient(c_j, c_prev)[0]
    assert relative_error(jac, np.diag(f_t)) < 1e-7


def test_gru_direct_path_is_diag_z_when_the_recurrent_weights_vanish():
    """With U = 0 only the direct term of d h_t / d h_{t-1} is left: diag(z_t)."""
    p = _gru(np.random.default_rng(5))
    U0 = np.zeros_like(p["U"])
    x_t, h_prev = p["x"][:1, 0], p["h0"][:1].copy()
    _, cache = scratch.gru_forward(p["x"][:1, :1], h_prev, p["W"], U0, p["b"])
    jac = np.empty((H, H))
    for j in range(H):

        def h_j(j=j):
            return float(scratch.gru_step(x_t, h_prev, p["W"], U0, p["b"])[0, j])

        jac[j] = numerical_gradient(h_j, h_prev)[0]
    assert relative_error(jac, np.diag(cache["z"][0, 0])) < 1e-7


@pytest.mark.parametrize(
    "call,match",
    [
        (
            lambda: scratch.lstm_step(
                np.zeros((2, 3, 5)),
                np.zeros((2, 4)),
                np.zeros((2, 4)),
                np.zeros((5, 16)),
                np.zeros((4, 16)),
                np.zeros(16),
            ),
            r"x_t must have shape \(B, D\), got \(2, 3, 5\)",
        ),
        (
            lambda: scratch.lstm_step(
                np.zeros((2, 5)),
                np.zeros((2, 4)),
                np.zeros((2, 3)),
                np.zeros((5, 16)),
                np.zeros((4, 16)),
                np.zeros(16),
            ),
            r"c_prev must have shape \(B, H\) = \(2, 4\), got \(2, 3\)",
        ),
        (
            lambda: scratch.lstm_step(
                np.zeros((2, 5)),
                np.zeros((2, 4)),
                np.zeros((2, 4)),
                np.zeros((5, 15)),
                np.zeros((4, 16)),
                np.zeros(16),
            ),
            r"W must have shape \(D, 4H\) = \(5, 4\*H\), got \(5, 15\)",
        ),
        (
            lambda: scratch.lstm_step(
                np.zeros((2, 6)),
                np.zeros((2, 4)),
                np.zeros((2, 4)),
                np.zeros((5, 16)),
                np.zeros((4, 16)),
                np.zeros(16),
            ),
            r"x_t must have shape \(B, D\) = \(B, 5\), got \(2, 6\)",
        ),
        (
            lambda: scratch.gru_step(
                np.zeros((2, 5)),
                np.zeros((3, 4)),
                np.zeros((5, 12)),
                np.zeros((4, 12)),
                np.zeros((2, 12)),
            ),
            r"h_prev must have shape \(B, H\) = \(2, 4\), got \(3, 4\)",
        ),
        (
            lambda: scratch.gru_step(
                np.zeros((2, 5)),
                np.zeros((2, 4)),
                np.zeros((5, 12)),
                np.zeros((4, 12)),
                np.zeros(12),
            ),
            r"b must have shape \(2, 3H\) = \(2, 12\), got \(12,\)",
        ),
    ],
)
def test_step_shapes_are_checked(call, match):
    with pytest.raises(ValueError, match=match):
        call()
