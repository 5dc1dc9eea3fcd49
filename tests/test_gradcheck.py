from rnnbook.gradcheck import check_gradient, numerical_gradient, relative_error

import numpy as np
import pytest


def test_numerical_gradient_of_a_known_function():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 3))
    x = rng.normal(size=(3, 2))
    # f(x) = sum(sin(A x)); df/dx = A^T cos(A x)
    f = lambda: float(np.sum(np.sin(A @ x)))  # noqa: E731
    num = numerical_gradient(f, x)
    exact = A.T @ np.cos(A @ x)
    assert relative_error(num, exact) < 1e-9
    assert check_gradient(f, x, exact) < 1e-9


def test_numerical_gradient_restores_the_array():
    x = np.arange(6, dtype=np.float64).reshape(2, 3)
    before = x.copy()
    numerical_gradient(lambda: float(np.sum(x**2)), x)
    np.testing.assert_array_equal(x, before)


def test_a_wrong_gradient_is_caught():
    x = np.linspace(-1, 1, 5)
    f = lambda: float(np.sum(x**3))  # noqa: E731
    assert check_gradient(f, x, 3 * x**2) < 1e-9
    assert check_gradient(f, x, 3 * x**2 + 1e-3) > 1e-4


def test_float32_input_is_refused():
    with pytest.raises(ValueError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))


def test_non_scalar_function_is_refused():
    x = np.zeros(2)
    with pytest.raises(ValueError, match="scalar"):
        numerical_gradient(lambda: x * 2, x)


def test_relative_error_properties():
    a = np.array([1.0, 2.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"b must have shape a\.shape = \(2,\), got \(3,\)"):
        relative_error(a, np.zeros(3))


def test_numerical_gradient_restores_the_array_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f():
        calls.append(1)
        if len(calls) == 3:  # raises while x[1] is perturbed
            raise RuntimeError("boom")
        return float(np.sum(x**2))

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_check_gradient_refuses_a_wrong_shape_before_differentiating():
    calls = []
    x = np.zeros(3)

    def f():
        calls.append(1)
        return 0.0

    with pytest.raises(ValueError, match=r"analytic must have shape x\.shape = \(3,\), got \(2,\)"):
        check_gradient(f, x, np.zeros(2))
    assert calls == []  # no central difference was computed
