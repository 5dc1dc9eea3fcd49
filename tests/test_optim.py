"""Gradient norms, clipping and cosine (rnnbook.optim): the values Keras's optimizers give,
no overflow for huge gradients, and a visible failure (NaN everywhere) for non-finite ones."""

from __future__ import annotations

import warnings

from rnnbook import optim

import numpy as np
import pytest


def test_clipping_global_keeps_direction_per_tensor_does_not():
    g = [np.array([[3.0, 4.0]]), np.array([0.3, 0.4])]  # norms 5 and 0.5
    clipped, gn = optim.clip_by_global_norm(g, 1.0)
    np.testing.assert_allclose(gn, np.sqrt(25.25))
    np.testing.assert_allclose(optim.global_norm(clipped), 1.0)
    np.testing.assert_allclose(optim.cosine_similarity(clipped, g), 1.0)
    per = optim.clip_by_norm_per_tensor(g, 1.0)
    np.testing.assert_allclose(np.linalg.norm(per[0]), 1.0)
    np.testing.assert_array_equal(per[1], g[1])  # below the threshold: untouched
    assert optim.cosine_similarity(per, g) < 0.999
    # below the threshold both are the identity
    same, _ = optim.clip_by_global_norm(g, 100.0)
    for a, b in zip(same, g):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="clip_norm"):
        optim.clip_by_global_norm(g, 0.0)
    with pytest.raises(ValueError, match="shape"):
        optim.cosine_similarity(g, [g[0]])


def test_clipping_matches_keras_optimizers():
    import keras

    rng = np.random.default_rng(5)
    shapes = [(3, 4), (4, 4), (4,)]
    grads = [rng.normal(size=s).astype(np.float32) * f for s, f in zip(shapes, (5.0, 0.1, 1.0))]
    for kw, ref in (
        ({"clipnorm": 1.0}, optim.clip_by_norm_per_tensor(grads, 1.0)),
        ({"global_clipnorm": 1.0}, optim.clip_by_global_norm(grads, 1.0)[0]),
    ):
        vars_ = [keras.Variable(np.zeros(s, dtype=np.float32)) for s in shapes]
        opt = keras.optimizers.SGD(learning_rate=1.0, **kw)
        opt.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in grads], vars_))
        for v, r in zip(vars_, ref):
            np.testing.assert_allclose(-np.asarray(v), r, rtol=1e-5, atol=1e-7)


def test_norms_do_not_overflow():
    # the sum of squares of 1e200 overflows; the scaled norm does not
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning either
        g = [np.array([1e200, 1e200])]
        assert optim.global_norm(g) == pytest.approx(np.sqrt(2) * 1e200, rel=1e-15)
        clipped, norm = optim.clip_by_global_norm(g, 1.0)
        assert norm == pytest.approx(1.4142135623730951e200, rel=1e-15)
        np.testing.assert_allclose(clipped[0], [0.7071067811865476] * 2, rtol=1e-15)
        np.testing.assert_allclose(optim.clip_by_norm_per_tensor(g, 1.0)[0], [2**-0.5] * 2)
        assert optim.cosine_similarity(g, [np.array([1e-200, 1e-200])]) == pytest.approx(1.0)
        # and tiny gradients do not underflow to a zero norm
        assert optim.global_norm([np.array([3e-200, 4e-200])]) == pytest.approx(5e-200)


def test_non_finite_gradients_become_nan_everywhere():
    g = [np.array([np.inf, 1.0]), np.array([2.0])]
    clipped, norm = optim.clip_by_global_norm(g, 1.0)
    assert norm == np.inf
    assert all(np.isnan(c).all() for c in clipped)  # no plausible partial step
    nan_g = [np.array([np.nan, 1.0]), np.array([2.0])]
    assert np.isnan(optim.global_norm(nan_g))
    assert all(np.isnan(c).all() for c in optim.clip_by_global_norm(nan_g, 1.0)[0])
    per = optim.clip_by_norm_per_tensor(g, 1.0)
    assert np.isnan(per[0]).all()
    np.testing.assert_array_equal(per[1], [1.0])  # a finite tensor is clipped as usual
    assert np.isnan(optim.cosine_similarity(g, [np.ones(2), np.ones(1)]))


def test_global_clipping_with_inf_matches_tensorflow():
    import tensorflow as tf

    g = [np.array([np.inf, 1.0]), np.array([2.0])]
    ref, ref_norm = tf.clip_by_global_norm([tf.constant(x) for x in g], 1.0)
    ours, norm = optim.clip_by_global_norm(g, 1.0)
    assert norm == float(ref_norm)
    for a, b in zip(ours, ref):
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b.numpy()))
