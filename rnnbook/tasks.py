"""Seeded synthetic sequence tasks that probe long-range memory.

Both come from the literature on long-term dependencies (the adding problem: Hochreiter &
Schmidhuber 1997, experiment 4; the copy task: Arjovsky, Shah & Bengio 2016, section 4.1) and
are generated here, seeded, so every run of a chapter sees the same data. Chapter 7,
§"Learning fails, then works: the adding problem", compares on the adding problem how long
each cell remembers, and :func:`train_adding` holds its training protocol, which chapter 10
reuses for networks without a recurrence through time (:func:`adding_train_step` is one
model's step of it, which both chapters time); the copy task is not used by a chapter
yet (pending, unassigned).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np

from ._validate import positive_int, positive_number

__all__ = ["adding_problem", "train_adding", "adding_train_step", "copy_task"]


def adding_problem(n: int, T: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem (Hochreiter & Schmidhuber 1997, experiment 4; the form of Le et al. 2015).

    Each sequence has two channels: channel 0 holds numbers drawn uniformly from [0, 1);
    channel 1 is 0 except for exactly two 1s, one at a step in the first half (``t < T//2``)
    and one in the second half. The target is the sum of the two marked numbers. The marks
    are up to ``T-1`` steps apart, so the model must remember a value for that long.

    Predicting the constant 1 (the mean of the target) scores mean squared error 1/6, the
    variance of the sum of two independent U[0,1) numbers: the baseline to beat. Chapter 7,
    §"Learning fails, then works: the adding problem".

    Args:
        n: number of sequences, an integer ``>= 1``.
        T: sequence length, an integer ``>= 2`` (one mark in each half).
        seed: seed of :func:`numpy.random.default_rng` (same seed, same data).

    Returns:
        ``(x, y)``: ``x`` ``(n, T, 2)`` float32 (batch, time, features), ``y`` ``(n, 1)``
        float32 in [0, 2).

    Raises:
        ValueError: ``n`` is not an integer ``>= 1`` or ``T`` not an integer ``>= 2``.
    """
    n, T = positive_int("n", n), positive_int("T", T, minimum=2)
    rng = np.random.default_rng(seed)
    values = rng.random((n, T))
    half = T // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, T, size=n)
    marks = np.zeros((n, T))
    rows = np.arange(n)
    marks[rows, first] = 1.0
    marks[rows, second] = 1.0
    x = np.stack([values, marks], axis=-1).astype(np.float32)
    y = (values[rows, first] + values[rows, second])[:, None].astype(np.float32)
    return x, y


def train_adding(
    models: Mapping[str, object],
    T: int,
    steps: int,
    *,
    lr: float = 1e-2,
    clip: float = 1.0,
    batch_size: int = 64,
    eval_every: int = 50,
    n_curve: int = 250,
    n_test: int = 2000,
    seed: int = 0,
) -> dict:
    """Train Keras models side by side on the adding problem, one step of each per batch.

    The protocol of chapter 7, §"Learning fails, then works: the adding problem", reused by
    chapter 10. The training data are ``adding_problem(steps * batch_size, T, seed=100 +
    seed)``, read in consecutive batches of ``batch_size`` fresh sequences (each sequence is
    seen once); the held-out data are ``adding_problem(n_test, T, seed=200 + seed)``. Every
    model has its own Adam optimizer (learning rate ``lr``) with the gradient clipped to a
    global norm of ``clip`` (Keras's ``global_clipnorm``; chapter 4, eq. ``eq-04-clip-global``)
    and minimizes the mean squared error. One ``tf.function`` takes the step of every model,
    so the models share the Python and tracing overhead, not their gradients: each ends where
    it would end trained alone.

    Args:
        models: name -> Keras model mapping ``(batch, T, 2)`` float32 to ``(batch, 1)``; at
            least one. The models are trained in place.
        T: sequence length, an integer ``>= 2``.
        steps: training steps (batches), an integer ``>= 1``.
        lr: Adam's learning rate, ``> 0``.
        clip: the global-norm threshold of the gradient, ``> 0``.
        batch_size: sequences per step, an integer ``>= 1``.
        eval_every: the held-out MSE on the first ``n_curve`` test sequences is recorded before
            step 0 and after every ``eval_every`` steps, an integer ``>= 1``.
        n_curve: test sequences of the learning curve, ``1 <= n_curve <= n_test``.
        n_test: test sequences of the final score, an integer ``>= 1``.
        seed: selects the data (``100 + seed`` and ``200 + seed``); the models' initial
            weights are the caller's (``rnnbook.set_seed`` before building them).

    Returns:
        A dict: ``"step"`` (list of the evaluated step numbers); ``"mse"`` (name -> list of
        held-out MSE on ``n_curve`` sequences, one per evaluated step); ``"loss"`` and
        ``"grad_norm"`` (name -> list of ``steps`` floats: the training batch's MSE and the
        gradient's global norm before clipping); ``"test_mse"`` (name -> MSE on all
        ``n_test`` sequences after training); ``"baseline"`` (MSE of predicting the constant 1,
        about 1/6); ``"later_only"`` (MSE of predicting the later marked number plus 1/2, the
        best a model that remembers only the later mark can do, about 1/12); ``"seconds"``
        (wall-clock time of the whole run, evaluations included). MSEs are float, in the
        target's units squared.

    Raises:
        ValueError: ``models`` is empty, or an integer argument is out of range, or
            ``n_curve > n_test``.
    """
    import tensorflow as tf

    if not models:
        raise ValueError("models must name at least one Keras model, got an empty mapping")
    T, steps = positive_int("T", T, minimum=2), positive_int("steps", steps)
    batch_size, eval_every = (
        positive_int("batch_size", batch_size),
        positive_int("eval_every", eval_every),
    )
    n_test, n_curve = positive_int("n_test", n_test), positive_int("n_curve", n_curve)
    lr, clip = positive_number("lr", lr), positive_number("clip", clip)
    if n_curve > n_test:
        raise ValueError(f"n_curve must be at most n_test = {n_test}, got {n_curve}")
    x_tr, y_tr = adding_problem(steps * batch_size, T, seed=100 + seed)  # fresh sequences
    x_te, y_te = adding_problem(n_test, T, seed=200 + seed)  # held out
    opts = {name: _adam(lr, clip) for name in models}

    @tf.function
    def train_step(x, y):
        # name -> (loss, the gradient's global norm before clipping)
        return {name: _mse_step(model, opts[name], x, y) for name, model in models.items()}

    @tf.function
    def predict(x):
        return {name: model(x) for name, model in models.items()}

    def test_mse(n):
        pred = predict(x_te[:n])
        return {name: float(np.mean((p.numpy() - y_te[:n]) ** 2)) for name, p in pred.items()}

    hist: dict = {
        "step": [],
        "mse": {name: [] for name in models},
        "loss": {name: [] for name in models},
        "grad_norm": {name: [] for name in models},
    }
    start = time.perf_counter()
    for s in range(steps + 1):
        if s % eval_every == 0:
            hist["step"].append(s)
            for name, mse in test_mse(n_curve).items():
                hist["mse"][name].append(mse)
        if s == steps:
            break
        batch = slice(s * batch_size, (s + 1) * batch_size)
        for name, (loss, norm) in train_step(x_tr[batch], y_tr[batch]).items():
            hist["loss"][name].append(float(loss))
            hist["grad_norm"][name].append(float(norm))
    hist["test_mse"] = test_mse(n_test)
    hist["baseline"] = float(np.mean((y_te - 1.0) ** 2))  # predict the constant 1
    later = np.sum(x_te[:, T // 2 :, 0] * x_te[:, T // 2 :, 1], axis=1, keepdims=True)
    hist["later_only"] = float(np.mean((y_te - (later + 0.5)) ** 2))  # remember the later mark
    hist["seconds"] = time.perf_counter() - start
    return hist


def _adam(lr: float, clip: float):
    # the protocol's optimizer: Adam, the gradient clipped to a global norm of `clip`
    import keras

    return keras.optimizers.Adam(lr, global_clipnorm=clip)


def _mse_step(model, opt, x, y):
    # one step on the mean squared error, traced inside a caller's tf.function; returns the
    # loss before the step and the gradient's global norm before clipping
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
    return loss, tf.linalg.global_norm(grads)


def adding_train_step(model, *, lr: float = 1e-2, clip: float = 1.0):
    """One model's training step of :func:`train_adding`'s protocol, as a ``tf.function``.

    The step that chapter 7 (§"What a step costs") and chapter 10 (§"Long memory without a
    recurrence through time: the adding problem") time: Adam with learning rate ``lr`` and
    the gradient clipped to a global norm of ``clip`` (chapter 4, eq. ``eq-04-clip-global``),
    on the mean squared error. It is the step :func:`train_adding` takes for each of its
    models (the same code, so the same weights after the same batches), without the
    bookkeeping of several models and their histories. Each call of this function makes a
    new optimizer: call it once per model and reuse the step. The batches are the caller's
    (:func:`train_adding` reads ``adding_problem(steps * batch_size, T, seed=100 + seed)``
    in consecutive batches).

    Args:
        model: a Keras model mapping ``(batch, T, 2)`` float32 to ``(batch, 1)``; trained in
            place by each call of the step.
        lr: Adam's learning rate, ``> 0``.
        clip: the global-norm threshold of the gradient, ``> 0``.

    Returns:
        ``step(x, y)``: a ``tf.function`` taking ``x`` ``(batch, T, 2)`` float32 and ``y``
        ``(batch, 1)`` float32 (as :func:`adding_problem` returns them), applying one update
        and returning the batch's MSE before the update, a float32 scalar tensor. Its first
        call traces it (and again for each new ``T`` or batch size).

    Raises:
        ValueError: ``lr`` or ``clip`` is not a positive number.
    """
    import tensorflow as tf

    opt = _adam(positive_number("lr", lr), positive_number("clip", clip))

    @tf.function
    def step(x, y):
        return _mse_step(model, opt, x, y)[0]

    return step


def copy_task(
    n: int, delay: int, length: int = 10, n_symbols: int = 8, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The copy (memory) task of Arjovsky, Shah & Bengio (2016), section 4.1.

    Token ids: 0 is the blank, ``1..n_symbols`` are data symbols, ``n_symbols + 1`` is the
    delimiter. An input sequence is ``length`` random data symbols, then ``delay - 1`` blanks,
    the delimiter, and ``length`` blanks; total ``T = delay + 2 * length`` steps. The target
    is blank for the first ``delay + length`` steps and then repeats the ``length`` data
    symbols. A model that outputs blanks and then guesses uniformly scores cross-entropy
    ``length * log(n_symbols) / T`` nats per step, the baseline to beat. No chapter uses it
    yet (pending, unassigned).

    Args:
        n: number of sequences.
        delay: steps from the last data symbol to the delimiter (the delimiter is at index
            ``length + delay - 1``), ``>= 1``.
        length: number of symbols to remember, ``>= 1``.
        n_symbols: alphabet size (data symbols are ``1..n_symbols``), ``>= 1``.
        seed: seed of :func:`numpy.random.default_rng`.

    Returns:
        ``(x, y)``: int32 token ids in ``[0, n_symbols + 1]``, both ``(n, delay + 2 * length)``
        (batch, time).

    Raises:
        ValueError: ``n``, ``delay``, ``length`` or ``n_symbols`` is not an integer ``>= 1``.
    """
    n, delay = positive_int("n", n), positive_int("delay", delay)
    length, n_symbols = positive_int("length", length), positive_int("n_symbols", n_symbols)
    rng = np.random.default_rng(seed)
    T = delay + 2 * length
    data = rng.integers(1, n_symbols + 1, size=(n, length))
    x = np.zeros((n, T), dtype=np.int32)
    y = np.zeros((n, T), dtype=np.int32)
    x[:, :length] = data
    x[:, length + delay - 1] = n_symbols + 1
    y[:, length + delay :] = data
    return x, y
