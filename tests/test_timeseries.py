"""Windowing, chronological splits, train-only normalization and the AR(p)/persistence baselines.

These tests pin down the alignment the sequence-regression chapter relies on: each target is
the value ``horizon`` steps after the window's last input, the Keras ``tf.data`` windows equal
the NumPy ones, no statistic comes from validation or test data, and least-squares AR(p)
recovers the coefficients of a synthetic AR process.
"""

from __future__ import annotations

import rnnbook  # noqa: F401  (sets the TensorFlow log level before keras is imported)
from rnnbook import timeseries as ts

import numpy as np
import pytest


# --------------------------------------------------------------------------- windows
@pytest.mark.parametrize("window,horizon", [(1, 1), (3, 1), (4, 2), (5, 7)])
def test_window_arrays_target_is_horizon_steps_after_last_input(window, horizon):
    series = np.arange(30, dtype=np.float64) * 10.0  # value = 10 * index
    x, y = ts.window_arrays(series, window, horizon)
    n = len(series) - window - horizon + 1
    assert x.shape == (n, window) and y.shape == (n,)
    for i in range(n):
        np.testing.assert_array_equal(x[i], series[i : i + window])
        last_index = x[i, -1] / 10.0
        assert y[i] / 10.0 == last_index + horizon


@pytest.mark.parametrize("window,horizon,batch_size", [(3, 1, 4), (5, 3, 7), (24, 1, 64)])
def test_make_windows_dataset_equals_window_arrays(window, horizon, batch_size):
    series = np.random.default_rng(0).normal(size=200)
    ds = ts.make_windows(series, window, horizon, batch_size=batch_size)
    xs, ys = zip(*[(xb.numpy(), yb.numpy()) for xb, yb in ds])
    x, y = np.concatenate(xs), np.concatenate(ys)
    x_ref, y_ref = ts.window_arrays(series, window, horizon)
    assert x.shape == (len(y_ref), window, 1) and y.shape == (len(y_ref), 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    np.testing.assert_allclose(x[..., 0], x_ref, rtol=1e-6)
    np.testing.assert_allclose(y[:, 0], y_ref, rtol=1e-6)


def test_make_windows_shuffle_keeps_pairs_together():
    series = np.arange(100, dtype=np.float64)
    ds = ts.make_windows(series, 6, 2, batch_size=16, shuffle=True, seed=3)
    xs, ys = zip(*[(xb.numpy(), yb.numpy()) for xb, yb in ds])
    x, y = np.concatenate(xs)[..., 0], np.concatenate(ys)[:, 0]
    assert not np.array_equal(x[:, 0], np.sort(x[:, 0]))  # the order changed...
    np.testing.assert_array_equal(y, x[:, -1] + 2)  # ...but every target still matches
    assert sorted(x[:, 0].tolist()) == list(range(len(series) - 6 - 2 + 1))


def test_multistep_arrays():
    series = np.arange(20, dtype=np.float64)
    x, y = ts.multistep_arrays(series, window=4, steps=3)
    assert x.shape == (14, 4) and y.shape == (14, 3)
    np.testing.assert_array_equal(y, x[:, -1:] + np.arange(1, 4))
    np.testing.assert_array_equal(y[:, 0], ts.window_arrays(series, 4, 1)[1][:14])


@pytest.mark.parametrize("bad", [np.zeros((10, 2)), np.zeros(())])
def test_window_functions_reject_non_1d(bad):
    for fn in (
        lambda s: ts.window_arrays(s, 3),
        lambda s: ts.make_windows(s, 3),
        lambda s: ts.multistep_arrays(s, 3, 2),
    ):
        with pytest.raises(ValueError, match=r"must have shape \(T,\)"):
            fn(bad)


def test_window_functions_reject_bad_sizes():
    s = np.arange(10.0)
    with pytest.raises(ValueError, match="window"):
        ts.window_arrays(s, 0)
    with pytest.raises(ValueError, match="horizon"):
        ts.window_arrays(s, 3, 0)
    with pytest.raises(ValueError, match="too short"):
        ts.window_arrays(s, 8, 3)


# --------------------------------------------------------------------------- splits
def test_chronological_split_is_ordered_and_prefixes_context():
    series = np.arange(100, dtype=np.float64)
    train, val, test = ts.chronological_split(series, (0.7, 0.15, 0.15), context=5)
    np.testing.assert_array_equal(train, series[:70])
    np.testing.assert_array_equal(val, series[65:85])  # 5 context values, then 15 new
    np.testing.assert_array_equal(test, series[80:])
    # with context = window, the first validation target is the first new value
    _, y_val = ts.window_arrays(val, 5, 1)
    assert y_val[0] == 70 and y_val[-1] == 84
    _, y_test = ts.window_arrays(test, 5, 1)
    assert y_test[0] == 85 and y_test[-1] == 99


def test_chronological_split_errors():
    with pytest.raises(ValueError, match="sum to 1"):
        ts.chronological_split(np.arange(10.0), (0.5, 0.2, 0.2))
    with pytest.raises(ValueError, match="context"):
        ts.chronological_split(np.arange(10.0), (0.6, 0.2, 0.2), context=7)
    with pytest.raises(ValueError, match=r"must have shape \(T,\)"):
        ts.chronological_split(np.zeros((10, 1)), (0.6, 0.2, 0.2))


# --------------------------------------------------------------------------- normalization
def test_standardizer_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    train = rng.normal(5.0, 2.0, size=500)
    scaler = ts.Standardizer.fit(train)
    assert scaler.mean == pytest.approx(train.mean()) and scaler.std == pytest.approx(train.std())
    val = rng.normal(50.0, 9.0, size=100)  # very different data must not move the statistics
    z_val = scaler.transform(val)
    np.testing.assert_allclose(z_val, (val - train.mean()) / train.std())
    assert scaler.mean == pytest.approx(train.mean())
    np.testing.assert_allclose(scaler.inverse(z_val), val)
    # it is fitted on what it is given: changing validation/test never changes it
    assert ts.Standardizer.fit(train) == scaler


def test_split_then_standardize_ignores_validation_and_test_values():
    rng = np.random.default_rng(1)
    series = rng.normal(size=200)
    changed = series.copy()
    changed[140:] = rng.normal(100.0, 30.0, size=60)  # rewrite everything after the training part
    a = ts.Standardizer.fit(ts.chronological_split(series, (0.7, 0.15, 0.15), context=10)[0])
    b = ts.Standardizer.fit(ts.chronological_split(changed, (0.7, 0.15, 0.15), context=10)[0])
    assert a == b
    assert a.mean == pytest.approx(series[:140].mean())


def test_standardizer_errors():
    with pytest.raises(ValueError, match="constant"):
        ts.Standardizer.fit(np.ones(5))
    with pytest.raises(ValueError, match=r"must have shape \(T,\)"):
        ts.Standardizer.fit(np.ones((5, 2)))


# --------------------------------------------------------------------------- baselines
def _ar_process(coef, intercept, n, noise, seed):
    rng = np.random.default_rng(seed)
    p = len(coef)
    s = np.zeros(n + 200)
    for t in range(p, len(s)):
        s[t] = intercept + s[t - p : t][::-1] @ coef + noise * rng.normal()
    return s[200:]


def test_fit_ar_recovers_a_synthetic_ar2():
    coef = np.array([1.5, -0.75])  # stable, complex roots: a damped oscillation
    s = _ar_process(coef, 0.3, 20_000, 1.0, seed=1)
    model = ts.fit_ar(s, 2)
    assert model.p == 2
    np.testing.assert_allclose(model.coef, coef, atol=0.02)
    assert model.intercept == pytest.approx(0.3, abs=0.05)
    # on noise-free data the fit is exact
    s0 = np.zeros(60)
    s0[:2] = [1.0, 2.0]
    for t in range(2, 60):
        s0[t] = 0.3 + 1.5 * s0[t - 1] - 0.75 * s0[t - 2]
    exact = ts.fit_ar(s0, 2)
    np.testing.assert_allclose(exact.coef, coef, atol=1e-8)
    assert exact.intercept == pytest.approx(0.3, abs=1e-8)


def test_ar_predict_matches_the_recursion_and_window_layout():
    model = ts.ARModel(coef=np.array([0.5, 0.2, -0.1]), intercept=1.0)
    x = np.random.default_rng(2).normal(size=(8, 5))  # windows longer than p use the last p
    expected = 1.0 + 0.5 * x[:, -1] + 0.2 * x[:, -2] - 0.1 * x[:, -3]
    np.testing.assert_allclose(model.predict(x), expected)
    np.testing.assert_allclose(model.predict(x[..., None]), expected)  # (n, window, 1) too
    with pytest.raises(ValueError, match=r"window >= p = 3, got \(8, 2\)"):
        model.predict(x[:, :2])
    with pytest.raises(ValueError, match=r"must have shape \(n, window\)"):
        model.predict(np.zeros(5))


def test_persistence():
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(ts.persistence(x), [3.0, 7.0, 11.0])
    np.testing.assert_array_equal(ts.persistence(x[..., None]), [3.0, 7.0, 11.0])
    with pytest.raises(ValueError, match=r"must have shape \(n, window\)"):
        ts.persistence(np.zeros(4))


def test_iterate_forecast_with_ar_equals_the_noise_free_recursion():
    model = ts.ARModel(coef=np.array([1.5, -0.75]), intercept=0.3)
    x = np.random.default_rng(4).normal(size=(6, 4))
    out = ts.iterate_forecast(model.predict, x, steps=10)
    assert out.shape == (6, 10)
    hist = [x[:, -2], x[:, -1]]
    for k in range(10):
        hist.append(0.3 + 1.5 * hist[-1] - 0.75 * hist[-2])
        np.testing.assert_allclose(out[:, k], hist[-1])
    # persistence iterated stays flat
    np.testing.assert_array_equal(
        ts.iterate_forecast(ts.persistence, x, 3), np.repeat(x[:, -1:], 3, axis=1)
    )


def test_iterate_forecast_accepts_keras_style_predictors():
    x = np.random.default_rng(5).normal(size=(4, 3, 1)).astype(np.float32)

    def column_predictor(batch):  # returns (n, 1), like a Dense(1) model
        assert batch.shape == (4, 3, 1)
        return batch[:, -1, :] * 2.0

    out = ts.iterate_forecast(column_predictor, x, steps=3)
    np.testing.assert_allclose(out, x[:, -1, :] * np.array([2.0, 4.0, 8.0]), rtol=1e-6)
    with pytest.raises(ValueError, match="steps"):
        ts.iterate_forecast(column_predictor, x, steps=0)
    with pytest.raises(ValueError, match=r"returned shape"):
        ts.iterate_forecast(lambda b: np.zeros((4, 2)), x, steps=2)


# --------------------------------------------------------------------------- documented bounds
@pytest.mark.parametrize("p", [1, 2, 5])
def test_fit_ar_needs_2p_plus_2_values_as_its_docstring_says(p):
    # T - p equations in p + 1 unknowns: T = 2p + 2 leaves one residual, T = 2p + 1 none
    rng = np.random.default_rng(p)
    model = ts.fit_ar(rng.normal(size=2 * p + 2), p)
    assert model.p == p and np.all(np.isfinite(model.coef))
    with pytest.raises(
        ValueError,
        match=rf"too short to fit AR\({p}\): {2 * p + 1} values, "
        rf"need >= {2 * p + 2}",
    ):
        ts.fit_ar(rng.normal(size=2 * p + 1), p)
    assert "T >= 2p + 2" in ts.fit_ar.__doc__


def test_chronological_split_context_bound_is_min_of_a_and_b_minus_a():
    series = np.arange(100.0)  # a = 70, b = 85: the bound min(a, b - a) = 15 is below a
    _, val, test = ts.chronological_split(series, (0.7, 0.15, 0.15), context=15)
    assert val[0] == 55 and test[0] == 70  # the test part's context is all of validation
    with pytest.raises(
        ValueError,
        match=r"context must be an integer in \[0, min\(a, b - a\)\] "
        r"= \[0, 15\], got 16",
    ):
        ts.chronological_split(series, (0.7, 0.15, 0.15), context=16)  # refused, though <= a
    assert "0 <= context <= min(a, b - a)" in " ".join(ts.chronological_split.__doc__.split())


@pytest.mark.parametrize("bad", [3.0, True, np.float64(2.0), "3"])
def test_sizes_must_be_integers(bad):
    s = np.arange(20.0)
    for call, name in [
        (lambda: ts.window_arrays(s, bad), "window"),
        (lambda: ts.window_arrays(s, 3, bad), "horizon"),
        (lambda: ts.multistep_arrays(s, 3, bad), "steps"),
        (lambda: ts.fit_ar(s, bad), "p"),
        (lambda: ts.iterate_forecast(ts.persistence, s.reshape(4, 5), bad), "steps"),
        (lambda: ts.chronological_split(s, context=bad), "context"),
    ]:
        with pytest.raises(ValueError, match=rf"{name} must be an integer"):
            call()


def test_iterate_forecast_does_not_round_integer_windows():
    x = np.arange(12).reshape(3, 4)  # int64 windows
    out = ts.iterate_forecast(lambda b: b[:, -1] * 0.5, x, steps=3)
    np.testing.assert_allclose(out, x[:, -1:] * 0.5 ** np.arange(1, 4))


def test_standardizer_refuses_non_finite_training_data():
    with pytest.raises(ValueError, match="non-finite"):
        ts.Standardizer.fit(np.array([1.0, np.nan, 2.0]))
