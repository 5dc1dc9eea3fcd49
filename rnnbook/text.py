"""Classifying sentences: vocabulary, masked pooling, early stopping on dev, seed ensembles.

Defined and used in chapter 6, "Text classification: sentiment and questions"
(``chapters/06_text_classification.ipynb``). Conventions:

* a **sentence** is a ``str`` of tokens separated by spaces (SST-2 and TREC come tokenized);
* token **ids** are int64 ``(n, T)``: id 0 is padding, id 1 the out-of-vocabulary token
  ``[UNK]``, ids 2, 3, ... the vocabulary in decreasing frequency (Keras's
  ``TextVectorization`` layout);
* a model maps ids ``(batch, T)`` to probabilities: ``(batch, 1)`` for a sigmoid unit (two
  classes) or ``(batch, K)`` for a softmax (``K`` classes).

Functions and classes: :func:`make_vectorizer` (a ``TextVectorization`` layer with a minimum
count), :func:`token_ids`, :class:`MaskedGlobalPooling1D` (mean or max over the unmasked
steps; Keras's ``GlobalMaxPooling1D`` ignores masks), :func:`length_batches` (batches of
similar length, trimmed), :func:`accuracy`, :func:`fit_early_stopping` (best dev epoch
restored), :func:`predict_proba`, :func:`train_seeds` and :func:`ensemble_proba` (a seed ensemble).

Wrong shapes raise :class:`ValueError` naming the expected and the actual shape.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import keras
import numpy as np
from keras import ops

from ._validate import expect_ndim, one_of, positive_int

__all__ = [
    "PAD_ID",
    "OOV_ID",
    "make_vectorizer",
    "token_ids",
    "MaskedGlobalPooling1D",
    "length_batches",
    "accuracy",
    "TrainResult",
    "predict_proba",
    "fit_early_stopping",
    "train_seeds",
    "ensemble_proba",
]

#: Id of the padding token ``""`` (``Embedding(mask_zero=True)`` masks it).
PAD_ID: int = 0
#: Id of the out-of-vocabulary token ``"[UNK]"``.
OOV_ID: int = 1


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _tokens(text: str, lower: bool) -> list[str]:
    # as TextVectorization(standardize="lower", split="whitespace"): tf.strings.lower changes
    # ASCII letters only, and the split is on ASCII whitespace
    text = text.translate(_ASCII_LOWER) if lower else text
    return [tok for tok in re.split(r"[ \t\n\r\f\v]+", text) if tok]


def make_vectorizer(
    texts: Sequence[str],
    *,
    min_count: int = 1,
    max_len: int | None = None,
    lower: bool = True,
):
    """A ``keras.layers.TextVectorization`` whose vocabulary is the training tokens seen at
    least ``min_count`` times.

    Tokens are split on whitespace after lower-casing (``lower=True``); punctuation is kept as
    tokens (``"n't"``, ``"!"``, ``"?"``), since the book's sentences come tokenized. The
    vocabulary is ordered by decreasing count (ties by first appearance), after the padding
    token ``""`` (id :data:`PAD_ID` = 0) and ``"[UNK]"`` (id :data:`OOV_ID` = 1), the layout of
    ``TextVectorization.adapt``. Words rarer than ``min_count`` map to ``[UNK]`` in training
    too, so the model learns what an unknown word means before it meets one in the test set.
    Chapter 6, §"From words to integers".

    Args:
        texts: the training sentences (never the test ones: the vocabulary is part of the
            model).
        min_count: minimum number of occurrences in ``texts``, an integer ``>= 1``.
        max_len: pad (at the end) or cut every output to this many ids; ``None`` pads each
            call's output to its longest sentence.
        lower: lower-case before splitting.

    Returns:
        The layer; called on a list or array of ``n`` strings it returns int64 ids ``(n, T)``.

    Raises:
        ValueError: ``texts`` is empty, or ``min_count``/``max_len`` is not a positive integer.
    """
    if len(texts) == 0:
        raise ValueError("texts must hold at least one sentence, got none")
    min_count = positive_int("min_count", min_count)
    if max_len is not None:
        max_len = positive_int("max_len", max_len)
    counts = Counter(tok for t in texts for tok in _tokens(t, lower))
    vocab = [w for w, c in sorted(counts.items(), key=lambda kv: -kv[1]) if c >= min_count]
    return keras.layers.TextVectorization(
        standardize="lower" if lower else None,
        split="whitespace",
        output_mode="int",
        output_sequence_length=max_len,
        vocabulary=vocab,
    )


def token_ids(vectorizer, texts: Sequence[str]) -> np.ndarray:
    """``vectorizer(texts)`` as a NumPy int64 array ``(n, T)``, padded at the end with 0.

    Chapter 6, §"From words to integers".

    Args:
        vectorizer: a layer from :func:`make_vectorizer`.
        texts: ``n`` sentences.

    Returns:
        int64 ``(n, T)`` ids (``T`` the vectorizer's ``max_len``, or the longest sentence).
    """
    return np.asarray(vectorizer(list(texts)), dtype=np.int64)


@keras.saving.register_keras_serializable(package="rnnbook")
class MaskedGlobalPooling1D(keras.layers.Layer):
    """Mean or max over the time steps that the mask keeps: ``(B, T, H) -> (B, H)``.

    With mask ``m_t`` in {0, 1} (1: a real token), mean pooling is
    ``sum_t m_t h_t / max(sum_t m_t, 1)`` and max pooling is ``max_{t: m_t = 1} h_t``, element
    by element. Padded steps never enter, so the result does not depend on how much padding a
    sentence has or on which side. A row whose steps are all masked (a sentence that
    standardization emptied) gives zeros, not NaN or ``-inf``. Without a mask every step
    counts. Keras's ``GlobalAveragePooling1D`` returns NaN for such a row, and
    ``GlobalMaxPooling1D`` ignores the mask (with a warning). The layer consumes the mask
    (its output has none). Chapter 6, §"Masked pooling over time".

    Args:
        mode: ``"max"`` or ``"mean"``.
        **kwargs: passed to ``keras.layers.Layer`` (``name``, ...).

    Called as ``layer(inputs, mask=None)``: ``inputs`` float ``(B, T, H)``, e.g. the outputs
    of an RNN with ``return_sequences=True``; ``mask`` bool ``(B, T)`` or ``None`` (set by
    Keras from ``Embedding(mask_zero=True)``).

    Returns:
        ``(B, H)``, the dtype of ``inputs``.

    Raises:
        ValueError: ``mode`` is not ``"max"`` or ``"mean"``; inputs not 3-D (at build time).
    """

    def __init__(self, mode: str = "max", **kwargs):
        super().__init__(**kwargs)
        self.mode = one_of("mode", mode, ("max", "mean"))
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(
                f"inputs must have shape (batch, time, features) = (B, T, H), got {input_shape}"
            )

    def call(self, inputs, mask=None):
        x = inputs
        if mask is None:
            m = ops.ones_like(x[..., :1])
        else:
            m = ops.expand_dims(ops.cast(mask, x.dtype), -1)  # (B, T, 1)
        count = ops.sum(m, axis=1)  # (B, 1): real steps per row
        if self.mode == "mean":
            return ops.sum(x * m, axis=1) / ops.maximum(count, 1.0)
        lowest = ops.full_like(x, np.finfo(np.float32).min)
        pooled = ops.max(ops.where(m > 0, x, lowest), axis=1)
        return ops.where(count > 0, pooled, ops.zeros_like(pooled))

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


def length_batches(
    x: np.ndarray, y: np.ndarray, batch_size: int, *, seed: int | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Batches of sentences of similar length, each cut to its longest sentence.

    Sentences are sorted by length (number of non-padding ids, ties broken at random), cut
    into batches of ``batch_size``, and the batches shuffled. Columns that are padding in
    every row of a batch are dropped at both ends (the ids keep their side of padding). A
    recurrent layer runs over ``T`` steps whatever the mask says, so cutting saves time; for a
    model that masks padding, each sentence's output does not depend on the cut. Training is
    not the same as with shuffled full-width batches, though: sorting by length changes which
    sentences share a batch, hence the gradients and the optimization path. Chapter 6,
    §"Early stopping on dev, and a seed ensemble".

    Args:
        x: int ``(n, T)`` ids, 0 = padding.
        y: ``(n,)`` or ``(n, K)`` labels.
        batch_size: an integer ``>= 1``.
        seed: seed of the tie-breaking and of the batch order (``None``: unseeded).

    Returns:
        A list of ``(x_batch, y_batch)``, ``x_batch`` of shape ``(b, T_batch)`` with
        ``T_batch <= T`` (at least 1).

    Raises:
        ValueError: ``x`` is not 2-D, or ``y`` has another number of rows.
    """
    x = np.asarray(x)
    y = np.asarray(y)
    expect_ndim("x", x, 2, "(n, T)")
    if len(y) != len(x):
        raise ValueError(f"y must have {len(x)} rows (one per row of x), got shape {y.shape}")
    batch_size = positive_int("batch_size", batch_size)
    rng = np.random.default_rng(seed)
    lengths = (x != PAD_ID).sum(axis=1)
    order = np.lexsort((rng.random(len(x)), lengths))
    batches = []
    for start in range(0, len(x), batch_size):
        idx = order[start : start + batch_size]
        xb = x[idx]
        used = np.flatnonzero((xb != PAD_ID).any(axis=0))
        lo, hi = (used[0], used[-1] + 1) if len(used) else (0, 1)
        batches.append((xb[:, lo:hi], y[idx]))
    return [batches[i] for i in rng.permutation(len(batches))]


def accuracy(proba, y) -> float:
    """Fraction of correct predictions, from probabilities.

    ``proba`` ``(n, 1)`` or ``(n,)`` is read as the probability of class 1 (threshold 0.5);
    ``(n, K)`` with ``K >= 2`` as class probabilities (argmax). Chapter 6, §"Baselines: the
    majority class and a bag of words"; chapter 8, §"The chosen model on the test set".

    Args:
        proba: ``(n,)``, ``(n, 1)`` or ``(n, K)`` probabilities.
        y: ``(n,)`` integer labels.

    Returns:
        Accuracy in [0, 1].

    Raises:
        ValueError: ``y`` is not ``(n,)`` for the ``n`` rows of ``proba``.
    """
    p = np.asarray(proba)
    y = np.asarray(y)
    if y.shape != (len(p),):
        raise ValueError(f"y must have shape (n,) = ({len(p)},), got {y.shape}")
    if p.ndim == 1 or p.shape[1] == 1:
        pred = (p.reshape(-1) > 0.5).astype(np.int64)
    else:
        pred = p.argmax(axis=1)
    return float(np.mean(pred == y))


@dataclass
class TrainResult:
    """What :func:`fit_early_stopping` returns. Chapter 6, §"Early stopping on dev, and a seed
    ensemble".

    Attributes:
        model: the trained Keras model, holding the weights of the best dev epoch.
        best_epoch: that epoch, counted from 1.
        dev_acc: dev accuracy after each epoch run.
        train_loss: mean training loss of each epoch.
        seconds: wall-clock training time, dev evaluations included.
        seed: the seed the model was built and trained with (``None`` if not given).
    """

    model: object
    best_epoch: int
    dev_acc: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0
    seed: int | None = None

    @property
    def best_dev_acc(self) -> float:
        """The dev accuracy of the restored weights."""
        return self.dev_acc[self.best_epoch - 1]


def _spec(a: np.ndarray):
    import tensorflow as tf

    dtype = tf.string if a.dtype.kind in "OUS" else tf.as_dtype(a.dtype)
    return tf.TensorSpec([None] * a.ndim, dtype)


def _train_step(model, xb: np.ndarray, yb: np.ndarray):
    """One compiled training step for every batch shape (a single trace: a new input shape
    would otherwise cost Keras's ``train_on_batch`` a new trace of the whole graph)."""
    import tensorflow as tf

    @tf.function(input_signature=[_spec(xb), _spec(yb)])
    def step(x, y):
        with tf.GradientTape() as tape:
            y_pred = model(x, training=True)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
        grads = tape.gradient(loss, model.trainable_variables)
        model.optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return step


def predict_proba(model, x, *, batch_size: int = 256) -> np.ndarray:
    """``model(x)`` in inference mode, in batches, through one traced function per model.

    Equivalent to ``model.predict(x, verbose=0)``, but traced once for all batch shapes (the
    function is kept on the model), which matters when a chapter evaluates many small models
    after every epoch. (Moderate batches also keep TensorFlow's warning about frequent
    retracing quiet: it counts traces against calls across all models.) The function is
    cached on the model at its first call, with an input signature fixed to that first
    input's dtype and rank (every dimension free). Later calls on the same model must pass
    inputs of that rank (another rank raises ``TypeError``) and should pass that dtype:
    NumPy inputs of another dtype are converted to it silently (floats given to an int64
    signature are truncated to integers).
    Chapter 6, §"Early stopping on dev, and a seed ensemble"; chapter 8, §"Padding, masking
    and truncation" (float sequences ``(n, T, C)``, one utterance at a time).

    Args:
        model: a Keras model.
        x: its inputs, e.g. int ``(n, T)`` ids or ``(n,)`` strings.
        batch_size: rows per call, an integer ``>= 1``.

    Returns:
        float32 ``(n, ...)``, the model's output for each row.

    Raises:
        ValueError: ``batch_size`` is not a positive integer.
        TypeError: ``x`` has another rank than the first input this model was given.
    """
    import tensorflow as tf

    batch_size = positive_int("batch_size", batch_size)
    x = np.asarray(x)
    fn = getattr(model, "_rnnbook_predict", None)
    if fn is None:
        fn = tf.function(lambda inputs: model(inputs, training=False), input_signature=[_spec(x)])
        model._rnnbook_predict = fn
    return np.concatenate(
        [np.asarray(fn(x[i : i + batch_size])) for i in range(0, len(x), batch_size)]
    )


def fit_early_stopping(
    model,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_dev: np.ndarray,
    y_dev: np.ndarray,
    *,
    max_epochs: int = 20,
    patience: int = 3,
    batch_size: int = 64,
    by_length: bool = True,
    seed: int | None = None,
) -> TrainResult:
    """Train a compiled model epoch by epoch; keep the weights of the best dev accuracy.

    After each epoch the model's dev accuracy (:func:`accuracy` of :func:`predict_proba`) is
    computed; training stops after ``patience`` epochs without a strictly better one, or after
    ``max_epochs``, and the weights of the best epoch (the earliest, on ties) are put back.
    The dev set chooses the epoch; the test set is never seen. With ``by_length`` the epoch's
    batches come from :func:`length_batches` (only for models that mask padding, whose
    output does not depend on it); otherwise rows are shuffled and batches keep every column.
    The training step is the model's compiled loss and optimizer, traced once for all batch
    shapes. Chapter 6, §"Early stopping on dev, and a seed ensemble".

    Args:
        model: a compiled Keras model mapping inputs to probabilities (see the module doc).
        x_train: ``(n, T)`` int ids (or ``(n,)`` strings, for a model that vectorizes them
            itself, with ``by_length=False``).
        y_train: ``(n,)`` (or ``(n, K)``) training labels, in the form the model's loss
            expects.
        x_dev: ``(m, T')`` dev inputs, like ``x_train``.
        y_dev: ``(m,)`` integer dev labels.
        max_epochs: an integer ``>= 1``.
        patience: epochs without improvement before stopping, an integer ``>= 1``.
        batch_size: an integer ``>= 1``.
        by_length: batches of similar length (:func:`length_batches`).
        seed: seed of the batch order (``None``: unseeded).

    Returns:
        A :class:`TrainResult`.

    Raises:
        ValueError: ``x_train``/``x_dev`` not 2-D with ``by_length``, labels of the wrong
            length, a non-positive ``max_epochs``, ``patience`` or ``batch_size``.
    """
    x_train, y_train, x_dev = np.asarray(x_train), np.asarray(y_train), np.asarray(x_dev)
    if by_length:
        expect_ndim("x_train", x_train, 2, "(n, T)")
        expect_ndim("x_dev", x_dev, 2, "(m, T)")
    if len(y_train) != len(x_train):
        raise ValueError(f"y_train must have {len(x_train)} rows, got {len(y_train)}")
    if len(y_dev) != len(x_dev):
        raise ValueError(f"y_dev must have {len(x_dev)} rows, got {len(y_dev)}")
    max_epochs = positive_int("max_epochs", max_epochs)
    patience = positive_int("patience", patience)
    batch_size = positive_int("batch_size", batch_size)
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    result = TrainResult(model=model, best_epoch=0, seed=seed)
    best_weights = None
    step = None
    for epoch in range(1, max_epochs + 1):
        epoch_seed = int(rng.integers(2**31))
        if by_length:
            batches = length_batches(x_train, y_train, batch_size, seed=epoch_seed)
        else:
            perm = np.random.default_rng(epoch_seed).permutation(len(x_train))
            batches = [
                (x_train[perm[i : i + batch_size]], y_train[perm[i : i + batch_size]])
                for i in range(0, len(x_train), batch_size)
            ]
        if step is None:
            step = _train_step(model, *batches[0])
        loss_sum = 0.0
        for xb, yb in batches:
            loss_sum += float(step(xb, yb)) * len(xb)
        result.train_loss.append(loss_sum / len(x_train))
        result.dev_acc.append(accuracy(predict_proba(model, x_dev), y_dev))
        if result.dev_acc[-1] > max(result.dev_acc[:-1], default=-1.0):
            result.best_epoch = epoch
            best_weights = model.get_weights()
        elif epoch - result.best_epoch >= patience:
            break
    model.set_weights(best_weights)
    result.seconds = time.perf_counter() - start
    return result


def train_seeds(
    build: Callable[[], object],
    seeds: Sequence[int],
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_dev: np.ndarray,
    y_dev: np.ndarray,
    **fit_kwargs,
) -> list[TrainResult]:
    """One model per seed: :func:`rnnbook.set_seed` (seed), ``build()``, then
    :func:`fit_early_stopping` with the same seed for the batch order.

    The members differ only by the seed (initial weights, dropout masks, batch order), so
    their spread measures what the seed alone changes; :func:`ensemble_proba` averages them.
    Chapter 6, §"Early stopping on dev, and a seed ensemble".

    Args:
        build: returns a new compiled model (called once per seed, after seeding).
        seeds: the seeds, integers in [0, 2**32).
        x_train, y_train, x_dev, y_dev: as :func:`fit_early_stopping`.
        **fit_kwargs: passed to :func:`fit_early_stopping` (``max_epochs``, ...).

    Returns:
        One :class:`TrainResult` per seed, in the order of ``seeds``.

    Raises:
        ValueError: ``seeds`` is empty; as :func:`rnnbook.set_seed` and
            :func:`fit_early_stopping`.
    """
    from . import set_seed

    if len(seeds) == 0:
        raise ValueError("seeds must hold at least one seed, got none")
    runs = []
    for s in seeds:
        set_seed(int(s))
        runs.append(
            fit_early_stopping(build(), x_train, y_train, x_dev, y_dev, seed=int(s), **fit_kwargs)
        )
    return runs


def ensemble_proba(models: Sequence, x: np.ndarray, *, batch_size: int = 256) -> np.ndarray:
    """The mean of the members' predicted probabilities on ``x``.

    Averaging probabilities (not votes) keeps each member's confidence; for ``M`` members
    that err independently the variance of the average falls as ``1 / M``. Chapter 6,
    §"Early stopping on dev, and a seed ensemble"; chapter 8, §"The chosen model on the test
    set".

    Args:
        models: Keras models (or :class:`TrainResult`) with the same output shape.
        x: the inputs, e.g. int ``(n, T)`` ids.
        batch_size: prediction batch size.

    Returns:
        float32 ``(n, 1)`` or ``(n, K)``, the members' output shape.

    Raises:
        ValueError: ``models`` is empty.
    """
    if len(models) == 0:
        raise ValueError("models must hold at least one model, got none")
    members = [m.model if isinstance(m, TrainResult) else m for m in models]
    return np.mean([predict_proba(m, x, batch_size=batch_size) for m in members], axis=0)
