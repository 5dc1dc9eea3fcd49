"""Classifying variable-length multivariate sequences: batches of similar length, the padding
they save, and training with early stopping on validation cross-entropy.

Defined and used in chapter 8, "Sequence classification: who said /ae/?"
(``chapters/08_sequence_classification.ipynb``). Conventions:

* a **sequence** is a float array ``(T_i, C)``: ``T_i`` steps (frames) of ``C`` channels;
* a batch of sequences is **post-padded** with zeros to a float32 array ``(n, T, C)``
  (``keras.utils.pad_sequences(..., padding="post", dtype="float32")``), with the true lengths
  ``(n,)`` beside it, and the model masks the padding (``keras.layers.Masking(0.0)``);
* a model maps ``(batch, T, C)`` to class probabilities ``(batch, K)`` (a softmax) and is
  compiled with ``sparse_categorical_crossentropy`` on integer labels.

Functions and classes: :func:`random_batches` and :func:`bucket_batches` (row indices of the
batches of one epoch, shuffled or grouped by length), :func:`padded_fraction` (the share of
the steps a recurrent layer runs on padding), :func:`cross_entropy`, :class:`SequenceFit` and
:func:`fit_sequences` (training epoch by epoch, each batch cut to its longest sequence; early
stopping on validation cross-entropy, best weights restored). :mod:`rnnbook.text` gives the
accuracy, the predictions and the seed ensemble.

Wrong shapes raise :class:`ValueError` naming the expected and the actual shape.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ._validate import expect_ndim, positive_int
from .text import _train_step, accuracy, predict_proba

__all__ = [
    "random_batches",
    "bucket_batches",
    "padded_fraction",
    "cross_entropy",
    "SequenceFit",
    "fit_sequences",
]


def _lengths(lengths) -> np.ndarray:
    lengths = np.asarray(lengths)
    expect_ndim("lengths", lengths, 1, "(n,)")
    if lengths.dtype.kind not in "iu" or len(lengths) == 0 or lengths.min() < 1:
        raise ValueError(f"lengths must be integers >= 1, one per sequence, got {lengths!r}")
    return lengths.astype(np.int64)


def random_batches(n: int, batch_size: int, *, seed: int | None = None) -> list[np.ndarray]:
    """The row indices of one epoch's batches, in a random order: ``0..n-1`` shuffled, then
    cut into consecutive batches of ``batch_size`` (the last one may be smaller).

    Chapter 8, §"Batches of similar length".

    Args:
        n: number of sequences, an integer ``>= 1``.
        batch_size: an integer ``>= 1``.
        seed: seed of the shuffle (``None``: unseeded).

    Returns:
        A list of int64 index arrays that together hold every row once.

    Raises:
        ValueError: ``n`` or ``batch_size`` is not a positive integer.
    """
    n = positive_int("n", n)
    batch_size = positive_int("batch_size", batch_size)
    order = np.random.default_rng(seed).permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def bucket_batches(lengths, batch_size: int, *, seed: int | None = None) -> list[np.ndarray]:
    """The row indices of one epoch's batches, each of sequences of similar length.

    The rows are sorted by length (ties broken at random), cut into consecutive batches of
    ``batch_size``, and the batches shuffled: every batch holds neighbours in length, so a
    batch cut to its longest sequence carries little padding. Only the ties are broken anew
    from one seed to the next, so the batches change little between epochs; ``tf.data``'s
    ``bucket_by_sequence_length`` instead fixes length boundaries and draws batches at random
    within each bucket. The same idea as :func:`rnnbook.text.length_batches` for token ids.
    Chapter 8, §"Batches of similar length".

    Args:
        lengths: ``(n,)`` integer lengths ``>= 1``.
        batch_size: an integer ``>= 1``.
        seed: seed of the tie-breaking and of the batch order (``None``: unseeded).

    Returns:
        A list of int64 index arrays that together hold every row once.

    Raises:
        ValueError: ``lengths`` is not ``(n,)`` integers ``>= 1``; ``batch_size`` is not a
            positive integer.
    """
    lengths = _lengths(lengths)
    batch_size = positive_int("batch_size", batch_size)
    rng = np.random.default_rng(seed)
    order = np.lexsort((rng.random(len(lengths)), lengths))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def padded_fraction(lengths, batches: Sequence[np.ndarray]) -> float:
    """The share of the steps a recurrent layer runs that are padding, when each batch is cut
    to its longest sequence.

    A batch ``b`` cut to ``T_b = max_{i in b} T_i`` runs ``|b| T_b`` steps, of which
    ``sum_{i in b} T_i`` are real, so the fraction is
    ``1 - sum_i T_i / sum_b |b| T_b``. A mask makes the padded steps leave the state unchanged,
    but the layer still computes them. Chapter 8, §"Batches of similar length".

    Args:
        lengths: ``(n,)`` integer lengths ``>= 1``.
        batches: index arrays into ``lengths`` (e.g. from :func:`bucket_batches`).

    Returns:
        The fraction in ``[0, 1)``.

    Raises:
        ValueError: ``lengths`` is not ``(n,)`` integers ``>= 1``, or ``batches`` is empty.
    """
    lengths = _lengths(lengths)
    if len(batches) == 0:
        raise ValueError("batches must hold at least one batch, got none")
    run = sum(len(b) * int(lengths[b].max()) for b in batches)
    real = sum(int(lengths[b].sum()) for b in batches)
    return 1.0 - real / run


def cross_entropy(proba, y) -> float:
    """Mean cross-entropy ``-(1/n) sum_i log p_i[y_i]`` of class probabilities, in nats.

    Probabilities below ``1e-12`` count as ``1e-12``, so a confident mistake costs at most
    ``log(1e12)``, not infinity. Chapter 8, §"Choosing a model on validation data".

    Args:
        proba: ``(n, K)`` class probabilities.
        y: ``(n,)`` integer labels in ``0..K-1``.

    Returns:
        The mean cross-entropy (natural logarithm).

    Raises:
        ValueError: ``proba`` is not ``(n, K)``, or ``y`` is not ``(n,)``.
    """
    p = np.asarray(proba, dtype=np.float64)
    y = np.asarray(y)
    expect_ndim("proba", p, 2, "(n, K)")
    if y.shape != (len(p),):
        raise ValueError(f"y must have shape (n,) = ({len(p)},), got {y.shape}")
    return float(-np.mean(np.log(np.maximum(p[np.arange(len(y)), y], 1e-12))))


@dataclass
class SequenceFit:
    """What :func:`fit_sequences` returns. Chapter 8, §"Choosing a model on validation data".

    Attributes:
        model: the trained Keras model (with the weights of the best validation epoch when
            there is validation data, else those of the last epoch).
        best_epoch: the epoch whose weights the model holds, counted from 1.
        train_loss: mean training loss of each epoch (the model's compiled loss, dropout on).
        val_loss: validation cross-entropy after each epoch (empty without validation data).
        val_acc: validation accuracy after each epoch (empty without validation data).
        seconds: wall-clock training time, validation included.
        seed: the seed of the batch order (``None`` if not given).
    """

    model: object
    best_epoch: int
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    seconds: float = 0.0
    seed: int | None = None

    @property
    def best_val_loss(self) -> float:
        """The validation cross-entropy of the weights the model holds."""
        return self.val_loss[self.best_epoch - 1]

    @property
    def best_val_acc(self) -> float:
        """The validation accuracy of the weights the model holds."""
        return self.val_acc[self.best_epoch - 1]


def fit_sequences(
    model,
    x_train,
    len_train,
    y_train,
    x_val=None,
    y_val=None,
    *,
    max_epochs: int = 100,
    patience: int | None = None,
    batch_size: int = 32,
    by_length: bool = True,
    seed: int | None = None,
) -> SequenceFit:
    """Train a compiled model epoch by epoch on post-padded sequences.

    Each epoch's batches come from :func:`bucket_batches` (``by_length=True``), each batch
    cut to its longest sequence, or from :func:`random_batches` at full width
    (``by_length=False``, for a model that does not mask its padding, whose output would
    change with the cut). With validation data, the validation cross-entropy
    (:func:`cross_entropy`) and accuracy are computed after every epoch; training stops
    after ``patience`` epochs without a lower cross-entropy (never, if ``patience`` is
    ``None``) or after ``max_epochs``, and the weights of the epoch with the lowest
    cross-entropy are put back. Cross-entropy, not accuracy, chooses the epoch: on a small
    validation set accuracy reaches its maximum early and then stays there, while the
    cross-entropy still tells a confident model from a lucky one. Without validation data
    the model trains for exactly ``max_epochs`` epochs. The training step is the model's
    compiled loss and optimizer, traced once for every batch shape. Chapter 8, §"Choosing a
    model on validation data".

    Args:
        model: a compiled Keras model mapping ``(batch, T, C)`` to probabilities
            ``(batch, K)``.
        x_train: ``(n, T, C)`` float32 sequences, post-padded with zeros when
            ``by_length`` (with ``by_length=False`` they are used as given, padded in any
            way).
        len_train: ``(n,)`` their lengths.
        y_train: ``(n,)`` integer labels.
        x_val: ``(m, T', C)`` validation sequences (padded in any way the model accepts), or
            ``None``.
        y_val: ``(m,)`` integer validation labels, or ``None``.
        max_epochs: an integer ``>= 1``.
        patience: epochs without a lower validation cross-entropy before stopping, an
            integer ``>= 1``, or ``None`` (no early stopping).
        batch_size: an integer ``>= 1``.
        by_length: batches of similar length, each cut to its longest sequence.
        seed: seed of the batch order (``None``: unseeded).

    Returns:
        A :class:`SequenceFit`.

    Raises:
        ValueError: ``x_train`` not ``(n, T, C)``; lengths or labels not one per sequence;
            a length longer than ``T``; with ``by_length``, a nonzero value after a
            sequence's length (the padding must be zeros at the end); only one of ``x_val``,
            ``y_val``; a non-positive ``max_epochs``, ``patience`` or ``batch_size``.
    """
    x_train = np.asarray(x_train, dtype=np.float32)
    y_train = np.asarray(y_train)
    expect_ndim("x_train", x_train, 3, "(n, T, C)")
    n, t_max = x_train.shape[:2]
    len_train = _lengths(len_train)
    if len(len_train) != n or len(y_train) != n:
        raise ValueError(
            f"len_train and y_train must have {n} rows (one per sequence), "
            f"got {len(len_train)} and {len(y_train)}"
        )
    if len_train.max() > t_max:
        raise ValueError(f"a length ({len_train.max()}) exceeds x_train's {t_max} steps")
    if by_length:
        after_end = np.arange(t_max)[None, :] >= len_train[:, None]  # (n, T): padded steps
        if np.any(x_train[after_end] != 0):
            raise ValueError(
                "x_train must be post-padded with zeros to be cut by length: a step after a "
                "sequence's length is nonzero"
            )
    if (x_val is None) != (y_val is None):
        raise ValueError("give both x_val and y_val, or neither")
    if x_val is not None:
        x_val, y_val = np.asarray(x_val, dtype=np.float32), np.asarray(y_val)
        if len(y_val) != len(x_val):
            raise ValueError(f"y_val must have {len(x_val)} rows, got {len(y_val)}")
    max_epochs = positive_int("max_epochs", max_epochs)
    if patience is not None:
        patience = positive_int("patience", patience)
    batch_size = positive_int("batch_size", batch_size)

    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    result = SequenceFit(model=model, best_epoch=0, seed=seed)
    best_weights, step = None, None
    for epoch in range(1, max_epochs + 1):
        epoch_seed = int(rng.integers(2**31))
        if by_length:
            batches = bucket_batches(len_train, batch_size, seed=epoch_seed)
        else:
            batches = random_batches(n, batch_size, seed=epoch_seed)
        loss_sum = 0.0
        for b in batches:
            t_b = int(len_train[b].max()) if by_length else t_max
            xb, yb = x_train[b, :t_b], y_train[b]
            if step is None:
                step = _train_step(model, xb, yb)
            loss_sum += float(step(xb, yb)) * len(b)
        result.train_loss.append(loss_sum / n)
        if x_val is None:
            continue
        proba = predict_proba(model, x_val)
        result.val_loss.append(cross_entropy(proba, y_val))
        result.val_acc.append(accuracy(proba, y_val))
        if result.val_loss[-1] < min(result.val_loss[:-1], default=np.inf):
            result.best_epoch = epoch
            best_weights = model.get_weights()
        elif patience is not None and epoch - result.best_epoch >= patience:
            break
    if x_val is None:
        result.best_epoch = max_epochs
    else:
        model.set_weights(best_weights)
    result.seconds = time.perf_counter() - start
    return result
