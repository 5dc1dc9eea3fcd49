"""The NumPy cells: gradient checks of every backward pass, equality with Keras, shape errors."""

from __future__ import annotations

import rnnbook  # noqa: F401  (sets the TensorFlow log level before keras is imported)
from rnnbook import scratch
from rnnbook.gradcheck import numerical_gradient, relative_error
from rnnbook.keras_interop import keras_rnn_states, make_keras_rnn

import numpy as np
import pytest

B, T, D, H = 3, 5, 4, 6


def _params(cell: str, rng: np.random.Generator, scale: float = 0.5) -> dict[str, np.ndarray]:
    """Random float64 inputs and weights for one cell, in the scratch functions' layout."""
    p = {"x": rng.normal(size=(B, T, D)), "h0": rng.normal(size=(B, H)) * 0.5}
    if cell == "rnn":
        p |= {
            "W_xh": rng.normal(size=(D, H)) * scale,
            "W_hh": rng.normal(size=(H, H)) * scale,
            "b_h": rng.normal(size=H) * 0.1,
        }
    elif cell == "lstm":
        p |= {
            "c0": rng.normal(size=(B, H)) * 0.5,
            "W": rng.normal(size=(D, 4 * H)) * scale,
            "U": rng.normal(size=(H, 4 * H)) * scale,
            "b": rng.normal(size=4 * H) * 0.1,
        }
    else:
        p |= {
            "W": rng.normal(size=(D, 3 * H)) * scale,
            "U": rng.normal(size=(H, 3 * H)) * scale,
            "b": rng.normal(size=(2, 3 * H)) * 0.1,
        }
    return p


ORDER = {
    "rnn": (["x", "h0", "W_xh", "W_hh", "b_h"], scratch.rnn_forward, scratch.rnn_backward),
    "lstm": (["x", "h0", "c0", "W", "U", "b"], scratch.lstm_forward, scratch.lstm_backward),
    "gru": (["x", "h0", "W", "U", "b"], scratch.gru_forward, scratch.gru_backward),
}


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_backward_matches_central_differences(cell):
    rng = np.random.default_rng(1)
    names, fwd, bwd = ORDER[cell]
    p = _params(cell, rng)
    dh = rng.normal(size=(B, T, H))  # upstream gradient: L = sum(dh * h)

    def loss():
        h, _ = fwd(*(p[n] for n in names))
        return float(np.sum(dh * h))

    _, cache = fwd(*(p[n] for n in names))
    grads = bwd(dh, cache)
    assert len(grads) == len(names)
    for name, g in zip(names, grads):
        assert g.shape == p[name].shape, name
        err = relative_error(g, numerical_gradient(loss, p[name]))
        assert err < 1e-7, f"{cell}: d{name} relative error {err:.2e}"


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_gradient_reaches_the_first_step(cell):
    """A loss on the last state only must still give the first input a non-zero gradient."""
    rng = np.random.default_rng(2)
    names, fwd, bwd = ORDER[cell]
    p = _params(cell, rng)
    h, cache = fwd(*(p[n] for n in names))
    dh = np.zeros_like(h)
    dh[:, -1] = 1.0
    dx = bwd(dh, cache)[0]
    assert np.all(np.abs(dx[:, 0]).sum(axis=1) > 1e-8)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("dtype,tol", [("float32", 1e-5), ("float64", 1e-12)])
def test_forward_equals_keras(cell, dtype, tol):
    rng = np.random.default_rng(3)
    names, fwd, _ = ORDER[cell]
    p = _params(cell, rng)
    weights = [p[n] for n in names if n not in ("x", "h0", "c0")]
    layer = make_keras_rnn(cell, [w.astype(dtype) for w in weights], dtype=dtype)
    # the Keras layer's own weights, as NumPy: get_weights() plugs straight into scratch
    h_np, _ = fwd(*(p[n] for n in names if n in ("x", "h0", "c0")), *layer.get_weights())
    init = [p["h0"], p["c0"]] if cell == "lstm" else [p["h0"]]
    h_keras = keras_rnn_states(layer, p["x"], init)
    assert h_keras.shape == (B, T, H)
    np.testing.assert_allclose(h_keras, h_np, rtol=0, atol=tol)


def test_forward_equals_keras_default_initialisation():
    """With Keras's own random weights (Glorot/orthogonal), zero initial state."""
    import keras

    rng = np.random.default_rng(4)
    x = rng.normal(size=(B, T, D)).astype("float32")
    for cell, layer in [
        ("rnn", keras.layers.SimpleRNN(H, return_sequences=True)),
        ("lstm", keras.layers.LSTM(H, return_sequences=True)),
        ("gru", keras.layers.GRU(H, return_sequences=True)),
    ]:
        h_keras = np.asarray(layer(x))
        zeros = [np.zeros((B, H))] * (2 if cell == "lstm" else 1)
        h_np, _ = ORDER[cell][1](x, *zeros, *layer.get_weights())
        np.testing.assert_allclose(h_keras, h_np, atol=1e-5, err_msg=cell)


def test_rnn_forward_is_the_elman_recurrence():
    """One step by hand: h_1 = tanh(x_1 W_xh + h_0 W_hh + b_h)."""
    rng = np.random.default_rng(5)
    p = _params("rnn", rng)
    h, _ = scratch.rnn_forward(p["x"], p["h0"], p["W_xh"], p["W_hh"], p["b_h"])
    expected = np.tanh(p["x"][:, 0] @ p["W_xh"] + p["h0"] @ p["W_hh"] + p["b_h"])
    np.testing.assert_allclose(h[:, 0], expected, rtol=1e-14)
    assert h.dtype == np.float64


def test_lstm_cache_holds_gates_and_cell_state():
    rng = np.random.default_rng(6)
    p = _params("lstm", rng)
    h, cache = scratch.lstm_forward(p["x"], p["h0"], p["c0"], p["W"], p["U"], p["b"])
    for k in "ifo":
        assert np.all((cache[k] > 0) & (cache[k] < 1))
    np.testing.assert_allclose(h, cache["o"] * np.tanh(cache["c"]), rtol=1e-14)


@pytest.mark.parametrize(
    "call,match",
    [
        (
            lambda: scratch.rnn_forward(
                np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(4)
            ),
            r"x must have shape \(batch, time, features\).*got \(2, 3\)",
        ),
        (
            lambda: scratch.rnn_forward(
                np.zeros((2, 3, 5)),
                np.zeros((2, 4)),
                np.zeros((3, 4)),
                np.zeros((4, 4)),
                np.zeros(4),
            ),
            r"W_xh must have shape \(D, H\) = \(5, H\), got \(3, 4\)",
        ),
        (
            lambda: scratch.rnn_forward(
                np.zeros((2, 3, 5)),
                np.zeros((2, 4)),
                np.zeros((5, 4)),
                np.zeros((4, 3)),
                np.zeros(4),
            ),
            r"W_hh must have shape \(H, H\) = \(4, 4\), got \(4, 3\)",
        ),
        (
            lambda: scratch.rnn_forward(
                np.zeros((2, 3, 5)),
                np.zeros((1, 4)),
                np.zeros((5, 4)),
                np.zeros((4, 4)),
                np.zeros(4),
            ),
            r"h0 must have shape \(B, H\) = \(2, 4\), got \(1, 4\)",
        ),
        (
            lambda: scratch.rnn_forward(
                np.zeros((2, 3, 5)),
                np.zeros((2, 4)),
                np.zeros((5, 4)),
                np.zeros((4, 4)),
                np.zeros(3),
            ),
            r"b_h must have shape \(H,\) = \(4,\), got \(3,\)",
        ),
        (
            lambda: scratch.lstm_forward(
                np.zeros((2, 3, 5)),
                np.zeros((2, 4)),
                np.zeros((2, 4)),
                np.zeros((5, 12)),
                np.zeros((4, 16)),
                np.zeros(16),
            ),
            r"U must have shape \(H, 4H\) = \(3, 12\), got \(4, 16\)",
        ),
        (
            lambda: scratch.lstm_forward(
                np.zeros((2, 3, 5)),
                np.zeros((2, 4)),
                np.zeros((2, 3)),
                np.zeros((5, 16)),
                np.zeros((4, 16)),
                np.zeros(16),
            ),
            r"c0 must have shape \(B, H\) = \(2, 4\), got \(2, 3\)",
        ),
        (
            lambda: scratch.gru_forward(
                np.zeros((2, 3, 5)),
                np.zeros((2, 4)),
                np.zeros((5, 12)),
                np.zeros((4, 12)),
                np.zeros(12),
            ),
            r"b must have shape \(2, 3H\) = \(2, 12\), got \(12,\)",
        ),
        (
            lambda: scratch.gru_forward(
                np.zeros((2, 3, 5)),
                np.zeros((2, 4)),
                np.zeros((5, 13)),
                np.zeros((4, 12)),
                np.zeros((2, 12)),
            ),
            r"W must have shape \(D, 3H\) = \(5, 3\*H\), got \(5, 13\)",
        ),
    ],
)
def test_wrong_shapes_name_expected_and_actual(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_backward_rejects_wrong_upstream_shape(cell):
    rng = np.random.default_rng(7)
    names, fwd, bwd = ORDER[cell]
    p = _params(cell, rng)
    h, cache = fwd(*(p[n] for n in names))
    with pytest.raises(
        ValueError, match=r"dh must have shape \(B, T, H\) = \(3, 5, 6\), got \(3, 6\)"
    ):
        bwd(np.zeros((B, H)), cache)


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = scratch.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(s, [0.0, 0.5, 1.0])


def test_softmax_is_stable_and_normalised():
    with np.errstate(over="raise", invalid="raise"):
        p = scratch.softmax(np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]]))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-15)
    e = np.exp([0.0, 1.0, 2.0])
    np.testing.assert_allclose(p[0], e / e.sum(), rtol=1e-15)
    np.testing.assert_allclose(p[1], [0.0, 0.0, 1.0], atol=1e-300)
    z = np.random.default_rng(0).normal(size=(2, 3, 4))
    np.testing.assert_allclose(scratch.softmax(z, axis=1).sum(axis=1), 1.0, rtol=1e-14)


def test_rnn_step_is_one_step_of_rnn_forward():
    rng = np.random.default_rng(11)
    p = _params("rnn", rng)
    h, _ = scratch.rnn_forward(**p)
    h_prev = p["h0"]
    for t in range(T):
        h_prev = scratch.rnn_step(p["x"][:, t], h_prev, p["W_xh"], p["W_hh"], p["b_h"])
        np.testing.assert_array_equal(h_prev, h[:, t])
    with pytest.raises(ValueError, match=r"x_t must have shape \(B, D\) = \(B, 4\), got \(3, 5\)"):
        scratch.rnn_step(np.zeros((3, 5)), p["h0"], p["W_xh"], p["W_hh"], p["b_h"])
    with pytest.raises(
        ValueError, match=r"h_prev must have shape \(B, H\) = \(3, 6\), got \(3, 7\)"
    ):
        scratch.rnn_step(p["x"][:, 0], np.zeros((3, 7)), p["W_xh"], p["W_hh"], p["b_h"])


def test_log_softmax_is_finite_where_log_of_softmax_is_not():
    o = np.array([[0.0, -800.0, 5.0]])
    with np.errstate(divide="ignore"):
        naive = np.log(scratch.softmax(o))
    assert np.isneginf(naive[0, 1])  # the probability underflowed to exactly 0
    ls = scratch.log_softmax(o)
    assert np.isfinite(ls).all()
    np.testing.assert_allclose(ls[0, 1], -805.0 - np.log1p(np.exp(-5.0)), rtol=1e-15)
    np.testing.assert_allclose(np.exp(ls).sum(axis=-1), 1.0)


@pytest.mark.parametrize("masked", [False, True])
def test_softmax_cross_entropy_gradient_matches_central_differences(masked):
    rng = np.random.default_rng(12)
    logits = rng.normal(size=(3, 4, 5)) * 2
    y = rng.integers(0, 5, size=(3, 4))
    mask = (rng.random((3, 4)) < 0.6).astype(float) if masked else None
    if masked:
        mask[0, 0] = 1.0
    loss, dlogits = scratch.softmax_cross_entropy(logits, y, mask)
    num = numerical_gradient(lambda: scratch.softmax_cross_entropy(logits, y, mask)[0], logits)
    assert relative_error(dlogits, num) < 1e-7
    # the value: mean of -log p[y] over the counted positions
    p = scratch.softmax(logits)
    nll = -np.log(np.take_along_axis(p, y[..., None], -1)[..., 0])
    m = np.ones_like(nll) if mask is None else mask
    np.testing.assert_allclose(loss, (nll * m).sum() / m.sum(), rtol=1e-12)
    if masked:  # padded positions neither count nor receive a gradient
        assert np.all(dlogits[mask == 0] == 0.0)


def test_softmax_cross_entropy_equals_keras():
    import keras

    rng = np.random.default_rng(13)
    logits = rng.normal(size=(2, 6, 7))
    y = rng.integers(0, 7, size=(2, 6))
    ref = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
    loss, _ = scratch.softmax_cross_entropy(logits, y)
    np.testing.assert_allclose(loss, float(ref(y, logits)), rtol=1e-12)


def test_softmax_cross_entropy_rejects_bad_input():
    logits = np.zeros((2, 3, 4))
    with pytest.raises(ValueError, match=r"y must have shape .* = \(2, 3\), got \(2, 4\)"):
        scratch.softmax_cross_entropy(logits, np.zeros((2, 4), dtype=int))
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        scratch.softmax_cross_entropy(logits, np.full((2, 3), 4))
    with pytest.raises(ValueError, match="integer"):
        scratch.softmax_cross_entropy(logits, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="no position"):
        scratch.softmax_cross_entropy(logits, np.zeros((2, 3), dtype=int), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="only 0 and 1"):
        scratch.softmax_cross_entropy(logits, np.zeros((2, 3), dtype=int), np.full((2, 3), 0.5))


def test_init_rnn_params_follows_keras_defaults():
    p = scratch.init_rnn_params(np.random.default_rng(0), D=20, H=30, K=10)
    assert {k: v.shape for k, v in p.items()} == {
        "W_xh": (20, 30),
        "W_hh": (30, 30),
        "b_h": (30,),
        "W_hy": (30, 10),
        "b_y": (10,),
    }
    np.testing.assert_allclose(p["W_hh"] @ p["W_hh"].T, np.eye(30), atol=1e-12)  # orthogonal
    assert np.abs(p["W_xh"]).max() <= np.sqrt(6 / 50)
    assert np.abs(p["W_xh"]).max() > 0.9 * np.sqrt(6 / 50)  # uniform up to the Glorot limit
    assert not p["b_h"].any() and not p["b_y"].any()
    again = scratch.init_rnn_params(np.random.default_rng(0), D=20, H=30, K=10)
    assert all(np.array_equal(p[k], again[k]) for k in p)
    assert set(scratch.init_rnn_params(np.random.default_rng(0), 2, 3)) == {"W_xh", "W_hh", "b_h"}
    with pytest.raises(ValueError, match="H must be an integer >= 1"):
        scratch.init_rnn_params(np.random.default_rng(0), 2, 0)


def test_sigmoid_saturates_where_its_docstring_says():
    s = scratch.sigmoid(np.array([36.0, 38.0, -744.0, -746.0]))
    assert s[0] < 1.0 and s[1] == 1.0  # 1 + exp(-a) rounds to 1 beyond about 37
    assert s[2] > 0.0 and s[3] == 0.0  # exp(a) underflows to 0 beyond about 745


def test_rnn_step_names_a_one_dimensional_W_xh():
    with pytest.raises(ValueError, match=r"W_xh must have shape \(D, H\), got \(4,\)"):
        scratch.rnn_step(
            np.zeros((3, 4)), np.zeros((3, 6)), np.zeros(4), np.zeros((6, 6)), np.zeros(6)
        )
