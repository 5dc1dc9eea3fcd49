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


# ---- train_adding: chapter 7's training protocol, shared with chapter 10 -------------------


def _adding_models(seed, names=("a", "b")):
    import rnnbook

    import keras

    rnnbook.set_seed(seed)
    return {
        name: keras.Sequential(
            [keras.Input(shape=(None, 2)), keras.layers.SimpleRNN(4), keras.layers.Dense(1)]
        )
        for name in names
    }


def test_train_adding_records_the_protocol():
    from rnnbook.tasks import adding_problem, train_adding

    steps, T = 6, 5
    hist = train_adding(
        _adding_models(0), T, steps, batch_size=8, eval_every=2, n_curve=10, n_test=20, seed=3
    )
    assert hist["step"] == [0, 2, 4, 6]
    for name in ("a", "b"):
        assert len(hist["mse"][name]) == 4
        assert len(hist["loss"][name]) == steps and len(hist["grad_norm"][name]) == steps
        assert all(np.isfinite(hist["grad_norm"][name])) and min(hist["grad_norm"][name]) > 0
        assert set(hist["test_mse"]) == {"a", "b"} and hist["test_mse"][name] > 0
    # the held-out set is adding_problem(n_test, T, seed=200 + seed): its baselines
    x_te, y_te = adding_problem(20, T, seed=203)
    assert hist["baseline"] == pytest.approx(float(np.mean((y_te - 1.0) ** 2)))
    later = np.sum(x_te[:, T // 2 :, 0] * x_te[:, T // 2 :, 1], axis=1, keepdims=True)
    assert hist["later_only"] == pytest.approx(float(np.mean((y_te - (later + 0.5)) ** 2)))
    assert hist["seconds"] > 0


def test_train_adding_trains_each_model_on_its_own():
    # two models trained together end exactly where each ends trained alone: the shared
    # tf.function must not mix their gradients or optimizer states
    from rnnbook.tasks import train_adding

    kw = dict(batch_size=8, eval_every=3, n_curve=10, n_test=20, seed=1)
    both = train_adding(_adding_models(0), 6, 3, **kw)
    alone = train_adding(_adding_models(0, names=("a",)), 6, 3, **kw)
    assert both["test_mse"]["a"] == pytest.approx(alone["test_mse"]["a"], rel=1e-6)
    assert both["grad_norm"]["a"] == pytest.approx(alone["grad_norm"]["a"], rel=1e-6)
    assert both["test_mse"]["a"] != both["test_mse"]["b"]  # different initial weights


def test_train_adding_learns_a_short_adding_problem():
    from rnnbook.tasks import train_adding

    hist = train_adding(
        _adding_models(0, names=("rnn",)), 4, 150, batch_size=32, n_curve=50, n_test=200
    )
    assert hist["test_mse"]["rnn"] < 0.5 * hist["baseline"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(models={}), "models"),
        (dict(T=1), "T"),
        (dict(steps=0), "steps"),
        (dict(n_curve=30, n_test=20), "n_curve"),
    ],
)
def test_train_adding_rejects_bad_arguments(kwargs, message):
    from rnnbook.tasks import train_adding

    args = dict(models=_adding_models(0, names=("a",)), T=5, steps=2, n_test=20, n_curve=10)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        train_adding(**args)


# ---- adding_train_step: one model's step of that protocol, for timing (chapters 7, 10) -----


def test_adding_train_step_is_the_step_train_adding_takes():
    # the same weights after the same batches as train_adding's shared step: one protocol
    from rnnbook.tasks import adding_problem, adding_train_step, train_adding

    steps, T, batch = 3, 6, 8
    trained = _adding_models(0, names=("a",))["a"]
    hist = train_adding(
        {"a": trained},
        T,
        steps,
        lr=0.05,
        clip=0.5,
        batch_size=batch,
        n_test=4,
        n_curve=4,
        eval_every=steps,
        seed=2,
    )
    stepped = _adding_models(0, names=("a",))["a"]
    step = adding_train_step(stepped, lr=0.05, clip=0.5)
    x, y = adding_problem(steps * batch, T, seed=102)  # train_adding's data for seed 2
    losses = [
        float(step(x[s * batch : (s + 1) * batch], y[s * batch : (s + 1) * batch]))
        for s in range(steps)
    ]
    assert losses == pytest.approx(hist["loss"]["a"], rel=1e-6)
    for w_trained, w_stepped in zip(trained.get_weights(), stepped.get_weights()):
        np.testing.assert_allclose(w_stepped, w_trained, rtol=1e-6, atol=1e-7)


def test_adding_train_step_is_adam_on_the_mse_clipped_to_a_global_norm():
    # a reference written out with TensorFlow's own pieces: the gradient of the MSE (training
    # mode), tf.clip_by_global_norm, then a plain Adam step. The clip is below the gradient's
    # norm, so the clipping is exercised (per-variable or per-value clipping would differ).
    from rnnbook.tasks import adding_problem, adding_train_step

    import keras
    import tensorflow as tf

    lr, clip, steps = 0.05, 0.1, 3
    x, y = adding_problem(3 * 8, 6, seed=5)
    batches = [(x[s * 8 : (s + 1) * 8], y[s * 8 : (s + 1) * 8]) for s in range(steps)]
    stepped = _adding_models(0, names=("a",))["a"]
    step = adding_train_step(stepped, lr=lr, clip=clip)
    losses = [float(step(xb, yb)) for xb, yb in batches]
    reference = _adding_models(0, names=("a",))["a"]
    opt = keras.optimizers.Adam(lr)
    for s, (xb, yb) in enumerate(batches):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(reference(xb, training=True) - yb))
        grads = tape.gradient(loss, reference.trainable_variables)
        clipped, norm = tf.clip_by_global_norm(grads, clip)
        assert float(norm) > clip  # clipping acts
        opt.apply_gradients(zip(clipped, reference.trainable_variables))
        assert losses[s] == pytest.approx(float(loss), rel=1e-5)
    for w_ref, w_stepped in zip(reference.get_weights(), stepped.get_weights()):
        np.testing.assert_allclose(w_stepped, w_ref, rtol=1e-5, atol=1e-6)


def test_adding_train_step_clips_the_global_norm():
    # Adam's first step moves a weight by about lr * g / (|g| + eps'), with Keras's epsilon
    # 1e-7 over sqrt(1 - beta_2) on that step, eps' ~ 3.2e-6: close to lr
    # for an unclipped gradient, far below it once the gradient is clipped to a norm of 1e-9.
    # The loss returned is the batch's MSE before the step.
    from rnnbook.tasks import adding_problem, adding_train_step

    x, y = adding_problem(8, 5, seed=0)
    lr, moved = 1e-3, {}
    for clip in (1e9, 1e-9):
        model = _adding_models(0, names=("a",))["a"]
        before = [w.copy() for w in model.get_weights()]
        mse = float(np.mean((model(x).numpy() - y) ** 2))
        loss = adding_train_step(model, lr=lr, clip=clip)(x, y)
        assert float(loss) == pytest.approx(mse, rel=1e-5)
        moved[clip] = max(np.abs(a - b).max() for a, b in zip(model.get_weights(), before))
    assert moved[1e9] > 0.5 * lr
    assert moved[1e-9] < 0.1 * lr


@pytest.mark.parametrize("kwargs", [dict(lr=0.0), dict(clip=-1.0), dict(lr="a")])
def test_adding_train_step_rejects_bad_arguments(kwargs):
    from rnnbook.tasks import adding_train_step

    with pytest.raises(ValueError, match=next(iter(kwargs))):
        adding_train_step(_adding_models(0, names=("a",))["a"], **kwargs)
