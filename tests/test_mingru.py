"""rnnbook.mingru: the activation g, the two scans, minGRU's two forms, the Keras layer."""

from __future__ import annotations

import rnnbook
from rnnbook import mingru as mg
from rnnbook.gradcheck import numerical_gradient, relative_error

import keras
import numpy as np
import pytest
import tensorflow as tf


def _case(B=3, T=40, D=2, H=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(B, T, D))
    W = rng.normal(0, 1.0, size=(D, 2 * H))
    b = rng.normal(0, 0.5, size=2 * H)
    h0 = rng.normal(0, 1.0, size=(B, H))  # both signs: h0 != 0
    return x, h0, W, b


def _reference(x, h0, W, b):
    # the equations of the module docstring, one step and one unit at a time
    H = W.shape[1] // 2
    B, T, _ = x.shape
    h = np.empty((B, T, H))
    for n in range(B):
        state = h0[n].copy()
        for t in range(T):
            pre = x[n, t] @ W + b
            z = 1 / (1 + np.exp(-pre[:H]))
            cand = np.where(pre[H:] >= 0, pre[H:] + 0.5, 1 / (1 + np.exp(-pre[H:])))
            state = (1 - z) * state + z * cand
            h[n, t] = state
    return h


# --------------------------------------------------------------------------- g and log g
def test_g_is_continuous_positive_and_increasing():
    a = np.linspace(-30, 30, 20001)
    ga = mg.g(a)
    assert np.all(ga > 0) and np.all(np.diff(ga) > 0)
    assert mg.g(np.array([0.0]))[0] == 0.5
    assert mg.g(np.array([-1e-12]))[0] == pytest.approx(0.5, abs=1e-12)
    np.testing.assert_allclose(mg.g(np.array([2.0, -2.0])), [2.5, 1 / (1 + np.exp(2.0))])


def test_log_g_is_the_log_of_g_and_stays_finite_where_g_underflows():
    a = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(mg.log_g(a), np.log(mg.g(a)), rtol=1e-12, atol=1e-12)
    assert mg.log_g(np.array([-800.0]))[0] == pytest.approx(-800.0)  # g(-800) = 0 in float64
    assert np.isfinite(mg.log_g(np.array([-800.0], np.float32))).all()


def test_g_keeps_float32():
    a = np.array([-1.0, 0.0, 1.0], np.float32)
    assert mg.g(a).dtype == np.float32 and mg.log_g(a).dtype == np.float32
    assert mg.g([-1, 2]).dtype == np.float64


# --------------------------------------------------------------------------- the scans
def test_scan_sequential_is_the_recurrence():
    rng = np.random.default_rng(1)
    a, b = rng.uniform(0, 1, (2, 7, 3)), rng.normal(size=(2, 7, 3))
    h0 = rng.normal(size=(2, 3))
    h = mg.scan_sequential(a, b, h0)
    state = h0
    for t in range(7):
        state = a[:, t] * state + b[:, t]
        np.testing.assert_allclose(h[:, t], state, rtol=0, atol=1e-15)


def test_scan_log_equals_scan_sequential_with_h0_of_either_sign():
    rng = np.random.default_rng(2)
    a, b = rng.uniform(0.05, 0.999, (3, 300, 4)), rng.uniform(0.01, 2, (3, 300, 4))
    h0 = rng.normal(0, 3, size=(3, 4))
    assert (h0 < 0).any() and (h0 > 0).any()
    seq = mg.scan_sequential(a, b, h0)
    par = mg.scan_log(np.log(a), np.log(b), h0)
    assert np.abs(par - seq).max() < 1e-10


def test_scan_log_matches_the_papers_form_for_a_positive_h0():
    # Feng et al. / Heinsen: log h0 prepended to log b, one logcumsumexp
    rng = np.random.default_rng(3)
    log_a, log_b = -rng.uniform(0.01, 2, (2, 50, 3)), rng.normal(size=(2, 50, 3))
    h0 = rng.uniform(0.1, 2, (2, 3))
    a_star = np.concatenate([np.zeros((2, 1, 3)), np.cumsum(log_a, axis=1)], axis=1)
    values = np.concatenate([np.log(h0)[:, None], log_b], axis=1)
    paper = np.exp(a_star + np.logaddexp.accumulate(values - a_star, axis=1))[:, 1:]
    np.testing.assert_allclose(mg.scan_log(log_a, log_b, h0), paper, rtol=1e-12)


# --------------------------------------------------------------------------- the two forms
def test_the_two_forms_equal_the_equations_in_float64_with_h0_nonzero():
    x, h0, W, b = _case()
    ref = _reference(x, h0, W, b)
    seq = mg.mingru_sequential(x, h0, W, b)
    par = mg.mingru_parallel(x, h0, W, b)
    assert seq.dtype == par.dtype == np.float64 and seq.shape == (3, 40, 5)
    assert np.abs(seq - ref).max() < 1e-12
    assert np.abs(par - seq).max() < 1e-6  # the chapter's claim; in fact far smaller
    assert np.abs(par - seq).max() < 1e-12


def test_float32_forms_stay_float32_and_the_log_form_loses_precision_with_T():
    errors = {}
    for T in (16, 4096):
        x, h0, W, b = _case(B=2, T=T, H=8, seed=4)
        ref = mg.mingru_sequential(x, h0, W, b)
        par32 = mg.mingru_parallel(x, h0, W, b, dtype="float32")
        seq32 = mg.mingru_sequential(x, h0, W, b, dtype="float32")
        assert par32.dtype == seq32.dtype == np.float32
        errors[T] = (np.abs(par32 - ref).max(), np.abs(seq32 - ref).max())
    assert errors[4096][0] > 10 * errors[16][0]  # grows with T
    assert errors[4096][1] < 1e-5  # the step-by-step float32 form does not


def test_shapes_and_dtypes_are_checked():
    x, h0, W, b = _case()
    with pytest.raises(ValueError, match=r"W must have shape \(D, 2H\) = \(2, 2\*H\)"):
        mg.mingru_sequential(x, h0, W[:, :-1], b)
    with pytest.raises(ValueError, match=r"h0 must have shape \(B, H\) = \(3, 5\)"):
        mg.mingru_parallel(x, h0[:, :2], W, b)
    with pytest.raises(ValueError, match=r"b must have shape \(2H,\) = \(10,\)"):
        mg.mingru_parallel(x, h0, W, b[:3])
    with pytest.raises(ValueError, match=r"x must have shape \(batch, time, features\)"):
        mg.mingru_sequential(x[0], h0, W, b)
    with pytest.raises(ValueError, match="at least one time step"):
        mg.mingru_sequential(x[:, :0], h0, W, b)
    with pytest.raises(ValueError, match="dtype must be one of"):
        mg.mingru_parallel(x, h0, W, b, dtype="float16")
    with pytest.raises(ValueError, match=r"b must have shape \(B, T, H\) = \(2, 3, 4\)"):
        mg.scan_sequential(np.ones((2, 3, 4)), np.ones((2, 3, 5)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"log_a must have shape \(B, T, H\)"):
        mg.scan_log(np.ones((3, 4)), np.ones((3, 4)), np.zeros((3, 4)))


# --------------------------------------------------------------------------- the Keras layer
def _layer(mode, x, W, b, dtype="float32", **kw):
    layer = mg.MinGRU(W.shape[1] // 2, mode=mode, dtype=dtype, **kw)
    layer.build(x.shape)
    layer.set_weights([W.astype(dtype), b.astype(dtype)])
    return layer


@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_keras_layer_equals_numpy_in_float32(mode):
    x, h0, W, b = _case(T=60)
    ref = mg.mingru_sequential(x, h0, W, b)
    layer = _layer(mode, x, W, b)
    out = layer(x.astype(np.float32), initial_state=h0.astype(np.float32))
    assert tuple(out.shape) == (3, 60, 5)
    assert np.abs(np.asarray(out) - ref).max() < 1e-5
    last = mg.MinGRU(5, mode=mode, return_sequences=False)
    last.build(x.shape)
    last.set_weights([W.astype(np.float32), b.astype(np.float32)])
    np.testing.assert_allclose(
        np.asarray(last(x.astype(np.float32))),
        np.asarray(layer(x.astype(np.float32)))[:, -1],
        atol=1e-6,
    )


def test_keras_layer_zero_initial_state_by_default():
    x, _, W, b = _case(T=10)
    layer = _layer("parallel", x, W, b)
    ref = mg.mingru_sequential(x, np.zeros((3, 5)), W, b)
    assert np.abs(np.asarray(layer(x.astype(np.float32))) - ref).max() < 1e-5


def test_gradient_of_the_parallel_form_by_central_differences():
    # TensorFlow's gradient through cumsum and cumulative_logsumexp, in float64, against
    # central differences of the NumPy sequential form
    x, h0, W, b = _case(B=2, T=12, H=3, seed=5)
    R = np.random.default_rng(6).normal(size=(2, 12, 3))  # loss = sum(h * R)
    layer = _layer("parallel", x, W, b, dtype="float64")
    xt, h0t = tf.constant(x), tf.constant(h0)
    with tf.GradientTape() as tape:
        tape.watch([xt, h0t])
        loss = tf.reduce_sum(layer(xt, initial_state=h0t) * R)
    dW, db, dx, dh0 = tape.gradient(loss, [layer.kernel, layer.bias, xt, h0t])
    W_, b_, x_, h0_ = W.copy(), b.copy(), x.copy(), h0.copy()

    def f():
        return float(np.sum(mg.mingru_sequential(x_, h0_, W_, b_) * R))

    for analytic, var in ((dW, W_), (db, b_), (dx, x_), (dh0, h0_)):
        assert relative_error(np.asarray(analytic), numerical_gradient(f, var)) < 1e-7


def test_keras_layer_chrono_bias_and_config():
    layer = mg.MinGRU(6, chrono_T=200, seed=3)
    layer.build((None, 200, 2))
    b_z = np.asarray(layer.bias)[:6]
    keep = 1 / (1 + np.exp(b_z))  # 1 - z_t at zero input: u / (1 + u), u in [1, 199]
    assert np.all((keep >= 0.5) & (keep <= 199 / 200))
    assert np.all(np.asarray(layer.bias)[6:] == 0)
    again = mg.MinGRU.from_config(layer.get_config())
    assert again.units == 6 and again.chrono_T == 200 and again.mode == "parallel"
    plain = mg.MinGRU(4)
    plain.build((None, None, 3))
    assert np.all(np.asarray(plain.bias) == 0) and tuple(plain.kernel.shape) == (3, 8)


def test_keras_layer_in_a_model_the_modes_agree():
    x = np.random.default_rng(7).normal(size=(8, 20, 2)).astype(np.float32)
    outs = {}
    for mode in ("parallel", "sequential"):
        rnnbook.set_seed(0)  # the same initial weights for both models
        inp = keras.Input(shape=(20, 2))
        model = keras.Model(
            inp, keras.layers.Dense(1)(mg.MinGRU(4, mode=mode, seed=1, return_sequences=False)(inp))
        )
        outs[mode] = np.asarray(model(x))
        assert model.count_params() == 2 * 2 * 4 + 2 * 4 + 4 + 1
    # same seed, same initial weights: the two forms compute the same function
    assert np.abs(outs["parallel"] - outs["sequential"]).max() < 1e-5


def test_keras_layer_arguments_are_checked():
    with pytest.raises(ValueError, match="units must be an integer >= 1"):
        mg.MinGRU(0)
    with pytest.raises(ValueError, match="mode must be one of"):
        mg.MinGRU(3, mode="scan")
    with pytest.raises(ValueError, match="chrono_T must be an integer >= 3"):
        mg.MinGRU(3, chrono_T=2)
    with pytest.raises(ValueError, match=r"inputs must have shape \(batch, time, features\)"):
        mg.MinGRU(3).build((4, 2))
