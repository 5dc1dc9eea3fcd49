"""rnnbook.sequences: batches of similar length, padded fractions, cross-entropy, training."""

from __future__ import annotations

import rnnbook
from rnnbook import sequences as rs

import keras
import numpy as np
import pytest

L = keras.layers


# --------------------------------------------------------------------------- batches
def test_random_batches_cover_every_row_once_and_repeat_with_the_seed():
    batches = rs.random_batches(10, 4, seed=0)
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    again = rs.random_batches(10, 4, seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(batches, again))
    with pytest.raises(ValueError, match="batch_size"):
        rs.random_batches(10, 0)


def test_bucket_batches_group_neighbours_in_length():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 30, size=101)
    batches = rs.bucket_batches(lengths, 8, seed=1)
    assert sorted(np.concatenate(batches).tolist()) == list(range(101))
    assert sorted(len(b) for b in batches) == [5] + [8] * 12
    # sorted by their shortest member, the batches do not overlap in length
    spans = sorted((lengths[b].min(), lengths[b].max()) for b in batches)
    assert all(hi <= next_lo for (_, hi), (next_lo, _) in zip(spans, spans[1:]))
    again = rs.bucket_batches(lengths, 8, seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(batches, again))


@pytest.mark.parametrize("lengths", [[3, 0, 2], [[1, 2]], [1.5, 2.0], []])
def test_bucket_batches_refuse_bad_lengths(lengths):
    with pytest.raises(ValueError, match="lengths"):
        rs.bucket_batches(np.array(lengths), 2)


def test_padded_fraction_counts_the_steps_run_on_padding():
    lengths = np.array([1, 2, 3, 4])
    # cut batches: 2*2 + 2*4 = 12 steps run, 10 real
    assert rs.padded_fraction(lengths, [np.array([0, 1]), np.array([2, 3])]) == pytest.approx(1 / 6)
    # one batch of all four at the longest length: 16 steps, 10 real
    assert rs.padded_fraction(lengths, [np.arange(4)]) == pytest.approx(6 / 16)
    assert rs.padded_fraction(np.array([5, 5]), [np.array([0]), np.array([1])]) == 0.0
    with pytest.raises(ValueError, match="at least one"):
        rs.padded_fraction(lengths, [])


def test_bucket_batches_save_padding_on_spread_lengths():
    lengths = np.random.default_rng(2).integers(5, 30, size=200)
    bucketed = rs.padded_fraction(lengths, rs.bucket_batches(lengths, 16, seed=0))
    shuffled = rs.padded_fraction(lengths, rs.random_batches(200, 16, seed=0))
    assert bucketed < 0.1 < shuffled


# --------------------------------------------------------------------------- cross-entropy
def test_cross_entropy_matches_keras_and_clips_zero_probabilities():
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(4), size=6).astype(np.float32)
    y = np.array([0, 1, 2, 3, 0, 1])
    ref = np.mean(keras.losses.sparse_categorical_crossentropy(y, p))
    assert rs.cross_entropy(p, y) == pytest.approx(float(ref), rel=1e-5)
    assert rs.cross_entropy(np.array([[1.0, 0.0]]), np.array([1])) == pytest.approx(-np.log(1e-12))
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        rs.cross_entropy(p, y[:5])
    with pytest.raises(ValueError, match=r"\(n, K\)"):
        rs.cross_entropy(p[0], y)


# --------------------------------------------------------------------------- training
def _data(n=60, t_max=12, c=3, seed=0):
    """Post-padded sequences whose class is the sign of their first channel's mean."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(3, t_max + 1, size=n)
    y = rng.integers(0, 2, size=n)
    x = np.zeros((n, t_max, c), np.float32)
    for i, (t, k) in enumerate(zip(lengths, y)):
        x[i, :t] = rng.normal(size=(t, c)) + (1.5 if k else -1.5) * np.eye(c)[0]
    return x, lengths, y


def _model(seed=0, c=3):
    rnnbook.set_seed(seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(None, c)),
            L.Masking(0.0),
            L.GRU(4),
            L.Dense(2, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


def test_a_masked_model_does_not_depend_on_the_cut():
    # what training on cut batches relies on
    x, lengths, _ = _data()
    model = _model()
    b = np.flatnonzero(lengths <= 6)
    full = model(x[b]).numpy()
    cut = model(x[b, : lengths[b].max()]).numpy()
    np.testing.assert_allclose(cut, full, atol=1e-6)


def test_fit_sequences_restores_the_epoch_of_lowest_validation_cross_entropy():
    x, lengths, y = _data()
    x_val, _, y_val = _data(n=30, seed=1)
    r = rs.fit_sequences(_model(), x, lengths, y, x_val, y_val, max_epochs=6, seed=0)
    assert len(r.val_loss) == len(r.val_acc) == len(r.train_loss) == 6
    assert r.best_epoch == int(np.argmin(r.val_loss)) + 1
    p = r.model.predict(x_val, verbose=0)
    assert rs.cross_entropy(p, y_val) == pytest.approx(r.best_val_loss, abs=1e-6)
    assert r.best_val_acc == r.val_acc[r.best_epoch - 1]
    assert r.seconds > 0 and r.seed == 0


def test_fit_sequences_stops_after_patience_and_trains_fixed_epochs_without_validation():
    x, lengths, y = _data()
    x_val, _, y_val = _data(n=30, seed=1)
    r = rs.fit_sequences(_model(), x, lengths, y, x_val, y_val, max_epochs=40, patience=1, seed=0)
    stopped = len(r.val_loss)
    assert stopped == r.best_epoch + 1 or stopped == 40
    fixed = rs.fit_sequences(_model(), x, lengths, y, max_epochs=3, seed=0, by_length=False)
    assert fixed.best_epoch == 3 and len(fixed.train_loss) == 3 and fixed.val_loss == []


def test_fit_sequences_repeats_to_the_last_bit_with_the_seed():
    x, lengths, y = _data()
    a = rs.fit_sequences(_model(seed=5), x, lengths, y, max_epochs=2, seed=5)
    b = rs.fit_sequences(_model(seed=5), x, lengths, y, max_epochs=2, seed=5)
    for wa, wb in zip(a.model.get_weights(), b.model.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_fit_sequences_refuses_bad_inputs():
    x, lengths, y = _data()
    model = _model()
    with pytest.raises(ValueError, match=r"\(n, T, C\)"):
        rs.fit_sequences(model, x[..., 0], lengths, y)
    with pytest.raises(ValueError, match="one per sequence"):
        rs.fit_sequences(model, x, lengths[:-1], y)
    with pytest.raises(ValueError, match="exceeds"):
        rs.fit_sequences(model, x[:, :5], lengths, y)
    pre = x[:, ::-1]  # the padding now comes first
    with pytest.raises(ValueError, match="post-padded"):
        rs.fit_sequences(model, pre, lengths, y)
    rs.fit_sequences(model, pre, lengths, y, max_epochs=1, by_length=False)  # used as given
    with pytest.raises(ValueError, match="both"):
        rs.fit_sequences(model, x, lengths, y, x_val=x)
    with pytest.raises(ValueError, match="patience"):
        rs.fit_sequences(model, x, lengths, y, x, y, patience=0)
