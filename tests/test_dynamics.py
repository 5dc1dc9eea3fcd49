"""Gradient dynamics of the Elman RNN: step Jacobians, their products and norms, the
spectral-norm bound, and gradient clipping (checked against central differences, against
``scratch.rnn_backward`` and against Keras 3 optimizers)."""

from __future__ import annotations

import rnnbook  # noqa: F401  (sets the TensorFlow log level before keras is imported)
from rnnbook import dynamics, scratch
from rnnbook.gradcheck import numerical_gradient, relative_error

import numpy as np
import pytest

B, T, D, H = 2, 7, 3, 5


def _rnn(rng, scale=0.6):
    x = rng.normal(size=(B, T, D))
    h0 = rng.normal(size=(B, H)) * 0.5
    W_xh = rng.normal(size=(D, H)) * 0.5
    W_hh = rng.normal(size=(H, H)) * scale
    b_h = rng.normal(size=H) * 0.1
    return x, h0, W_xh, W_hh, b_h


def test_step_jacobians_tanh_match_central_differences():
    rng = np.random.default_rng(0)
    x, h0, W_xh, W_hh, b_h = _rnn(rng)
    h, _ = scratch.rnn_forward(x, h0, W_xh, W_hh, b_h)
    J = dynamics.step_jacobians(h, W_hh)
    assert J.shape == (B, T, H, H) and J.dtype == np.float64
    # J[b, s] = d h_{s+1} / d h_s  (0-based h[:, s] is h_{s+1}; h_0 = h0)
    for s in (0, 3, T - 1):
        prev = (h0 if s == 0 else h[:, s - 1]).copy()
        for i in range(H):

            def f(s=s, prev=prev, i=i):
                out, _ = scratch.rnn_forward(x[:, s : s + 1], prev, W_xh, W_hh, b_h)
                return float(out[0, 0, i])

            num = numerical_gradient(f, prev)[0]  # d h_{s+1}[i] / d h_s[0, :]
            assert relative_error(J[0, s, i], num) < 1e-7


def test_step_jacobians_linear_are_W_transposed():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(H, H))
    J = dynamics.step_jacobians(np.zeros((B, T, H)), W, activation="linear")
    np.testing.assert_array_equal(J, np.broadcast_to(W.T, (B, T, H, H)))


@pytest.mark.parametrize("k", [1, 3, T])
def test_jacobian_product_matches_central_differences_and_bptt(k):
    rng = np.random.default_rng(2)
    x, h0, W_xh, W_hh, b_h = _rnn(rng)
    h, _ = scratch.rnn_forward(x, h0, W_xh, W_hh, b_h)
    P = dynamics.jacobian_product(h, W_hh, k)  # d h_T / d h_{T-k}
    assert P.shape == (B, H, H)
    start = (h0 if k == T else h[:, T - k - 1]).copy()
    num = np.empty((H, H))
    for i in range(H):

        def f(i=i):
            out, _ = scratch.rnn_forward(x[:, T - k :], start, W_xh, W_hh, b_h)
            return float(out[0, -1, i])

        num[i] = numerical_gradient(f, start)[0]
    assert relative_error(P[0], num) < 1e-7
    # BPTT with upstream gradient e_i on h_T returns row i of the Jacobian
    xs = np.repeat(x[:1, T - k :], H, axis=0)
    hs, cache = scratch.rnn_forward(xs, np.repeat(start[:1], H, axis=0), W_xh, W_hh, b_h)
    dh = np.zeros_like(hs)
    dh[:, -1] = np.eye(H)
    _, dstart, *_ = scratch.rnn_backward(dh, cache)
    assert relative_error(P[0], dstart) < 1e-12


def test_lag_norms_obey_the_singular_value_bound():
    rng = np.random.default_rng(3)
    x, h0, W_xh, W_hh, b_h = _rnn(rng, scale=0.9)
    h, _ = scratch.rnn_forward(x, h0, W_xh, W_hh, b_h)
    norms = dynamics.lag_jacobian_norms(h, W_hh)
    assert norms.shape == (B, T + 1)  # lags 0..T; lag T is d h_T / d h_0
    np.testing.assert_allclose(norms[:, 0], 1.0)
    smax = np.linalg.norm(W_hh, 2)
    assert np.all(norms <= smax ** np.arange(T + 1) * (1 + 1e-12))
    # linear cell: the norm of (W_hh^T)^k, independent of the inputs
    lin = dynamics.lag_jacobian_norms(h, W_hh, activation="linear")
    for k in range(T + 1):
        np.testing.assert_allclose(
            lin[:, k], np.linalg.norm(np.linalg.matrix_power(W_hh.T, k), 2), rtol=1e-10
        )


def test_scale_to_spectral_radius():
    rng = np.random.default_rng(4)
    W = rng.normal(size=(8, 8))
    for rho in (0.5, 1.0, 1.5):
        Ws = dynamics.scale_to_spectral_radius(W, rho)
        np.testing.assert_allclose(dynamics.spectral_radius(Ws), rho, rtol=1e-12)
    with pytest.raises(ValueError, match=r"\(n, n\)"):
        dynamics.scale_to_spectral_radius(np.ones((2, 3)), 1.0)
    with pytest.raises(ValueError, match="nilpotent|zero"):
        dynamics.scale_to_spectral_radius(np.triu(np.ones((3, 3)), 1), 1.0)
    with pytest.raises(ValueError, match="rho"):
        dynamics.scale_to_spectral_radius(W, -1.0)


def test_shape_errors_name_expected_and_actual():
    with pytest.raises(ValueError, match=r"\(B, T, H\).*\(2, 3\)"):
        dynamics.step_jacobians(np.zeros((2, 3)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"\(H, H\) = \(4, 4\).*\(3, 3\)"):
        dynamics.step_jacobians(np.zeros((2, 3, 4)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="activation"):
        dynamics.step_jacobians(np.zeros((2, 3, 4)), np.eye(4), activation="relu6")
    with pytest.raises(ValueError, match="k"):
        dynamics.jacobian_product(np.zeros((2, 3, 4)), np.eye(4), 4)


def test_spectral_radius_names_the_shape_it_needs():
    with pytest.raises(
        ValueError, match=r"W must have shape \(n, n\) \(a square matrix\), got \(2, 3\)"
    ):
        dynamics.spectral_radius(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"rho must be a finite number >= 0, got 'one'"):
        dynamics.scale_to_spectral_radius(np.eye(2), "one")
    assert dynamics.spectral_radius(np.diag([0.5, -2.0])) == 2.0
