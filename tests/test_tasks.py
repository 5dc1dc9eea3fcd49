from rnnbook.tasks import adding_problem, copy_task

import numpy as np
import pytest


def test_adding_problem_shapes_marks_and_targets():
    x, y = adding_problem(500, 40, seed=3)
    assert x.shape == (500, 40, 2) and x.dtype == np.float32
    assert y.shape == (500, 1) and y.dtype == np.float32
    marks = x[:, :, 1]
    assert np.all(marks.sum(axis=1) == 2)
    assert set(np.unique(marks)) == {0.0, 1.0}
    first = marks[:, :20].argmax(axis=1)
    second = 20 + marks[:, 20:].argmax(axis=1)
    assert np.all(marks[:, :20].sum(axis=1) == 1) and np.all(marks[:, 20:].sum(axis=1) == 1)
    rows = np.arange(500)
    np.testing.assert_allclose(y[:, 0], x[rows, first, 0] + x[rows, second, 0], rtol=1e-6)
    assert np.all((x[:, :, 0] >= 0) & (x[:, :, 0] < 1))


def test_adding_problem_baseline_mse_is_one_sixth():
    _, y = adding_problem(200_000, 10, seed=0)
    assert np.mean((y - 1.0) ** 2) == pytest.approx(1 / 6, rel=0.01)


def test_adding_problem_is_seeded():
    a = adding_problem(5, 8, seed=1)
    b = adding_problem(5, 8, seed=1)
    c = adding_problem(5, 8, seed=2)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("n,T", [(0, 5), (5, 1), (2.5, 4)])
def test_adding_problem_rejects_bad_sizes(n, T):
    with pytest.raises(ValueError):
        adding_problem(n, T)


def test_copy_task_layout():
    x, y = copy_task(4, delay=7, length=5, n_symbols=8, seed=0)
    T = 7 + 2 * 5
    assert x.shape == y.shape == (4, T) and x.dtype == np.int32
    data = x[:, :5]
    assert np.all((data >= 1) & (data <= 8))
    assert np.all(x[:, 5 + 7 - 1] == 9)  # the delimiter
    assert np.all(np.delete(x, list(range(5)) + [11], axis=1) == 0)
    np.testing.assert_array_equal(y[:, -5:], data)
    assert np.all(y[:, :-5] == 0)


def test_copy_task_rejects_bad_sizes():
    with pytest.raises(ValueError, match="delay"):
        copy_task(3, delay=0)


def test_sizes_are_named_in_the_errors():
    with pytest.raises(ValueError, match=r"T must be an integer >= 2, got 1"):
        adding_problem(5, 1)
    with pytest.raises(ValueError, match=r"n_symbols must be an integer >= 1, got 2\.0"):
        copy_task(3, delay=2, n_symbols=2.0)
