"""rnnbook.text: vocabulary layout, masked pooling, length batches, early stopping, ensembles."""

from __future__ import annotations

import rnnbook  # noqa: F401  (sets the environment before keras)
from rnnbook import text

import keras
import numpy as np
import pytest


# --------------------------------------------------------------------------- vectorizer
def test_vectorizer_padding_0_oov_1_and_frequency_order():
    texts = ["the film is good", "the film is bad", "The plot !"]
    vec = text.make_vectorizer(texts)
    vocab = vec.get_vocabulary()
    assert vocab[text.PAD_ID] == "" and vocab[text.OOV_ID] == "[UNK]"
    assert vocab[2:5] == ["the", "film", "is"]  # most frequent first, ties by first appearance
    ids = text.token_ids(vec, ["the film is unseenword", "good"])
    assert ids.dtype == np.int64 and ids.shape == (2, 4)
    assert ids[0, 3] == text.OOV_ID  # an unknown word
    assert ids[1, 0] == vocab.index("good") and (ids[1, 1:] == text.PAD_ID).all()  # post-padding
    assert "!" in vocab  # punctuation is a token


def test_vectorizer_min_count_and_max_len():
    texts = ["a a b", "a c"]
    vec = text.make_vectorizer(texts, min_count=2, max_len=5)
    assert vec.get_vocabulary() == ["", "[UNK]", "a"]
    ids = text.token_ids(vec, ["a b c d e f g"])
    assert ids.shape == (1, 5) and list(ids[0]) == [2, 1, 1, 1, 1]  # cut to max_len


def test_vectorizer_matches_keras_standardization():
    # every training token is in the vocabulary with min_count=1 (no token lost to a mismatch
    # between the counting and the layer's own lower-casing and splitting)
    texts = ["Béart and BERLING\tare superb", "What is É ?", "don't  stop"]
    vec = text.make_vectorizer(texts)
    assert (text.token_ids(vec, texts) != text.OOV_ID).all()


@pytest.mark.parametrize("kwargs", [{"min_count": 0}, {"max_len": 0}])
def test_vectorizer_refuses_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        text.make_vectorizer(["a b"], **kwargs)
    with pytest.raises(ValueError, match="at least one"):
        text.make_vectorizer([])


# --------------------------------------------------------------------------- pooling
def _numpy_pool(x, mask, mode):
    m = mask[..., None].astype(np.float64)
    if mode == "mean":
        return (x * m).sum(1) / np.maximum(m.sum(1), 1)
    out = np.where(m > 0, x, -np.inf).max(1)
    return np.where(m.sum(1) > 0, out, 0.0)


@pytest.mark.parametrize("mode", ["mean", "max"])
def test_masked_pooling_equals_numpy_and_ignores_padding(mode):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 7, 3)).astype(np.float32)
    mask = np.array([[1] * 7, [1] * 3 + [0] * 4, [0] * 5 + [1] * 2, [0] * 7], dtype=bool)
    layer = text.MaskedGlobalPooling1D(mode)
    got = np.asarray(layer(x, mask=mask))
    assert got.shape == (4, 3)
    np.testing.assert_allclose(got, _numpy_pool(x, mask, mode), rtol=1e-6, atol=1e-6)
    # the values at masked steps do not matter
    x2 = np.where(mask[..., None], x, 1e6).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(layer(x2, mask=mask)), got)
    # an all-padding row gives zeros, not NaN or -inf
    assert np.all(got[3] == 0) and np.isfinite(got).all()
    # no mask: every step counts
    np.testing.assert_allclose(
        np.asarray(layer(x)), _numpy_pool(x, np.ones((4, 7), bool), mode), atol=1e-6
    )


def test_masked_pooling_gradient_is_finite_for_an_all_padding_row():
    import tensorflow as tf

    x = tf.Variable(np.random.default_rng(1).normal(size=(2, 4, 3)).astype(np.float32))
    mask = tf.constant([[True, True, False, False], [False] * 4])
    for mode in ("mean", "max"):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(text.MaskedGlobalPooling1D(mode)(x, mask=mask))
        g = tape.gradient(y, x).numpy()
        assert np.isfinite(g).all() and np.all(g[1] == 0) and np.all(g[0, 2:] == 0)


def test_masked_pooling_refuses_a_bad_mode_and_shape():
    with pytest.raises(ValueError, match="mode"):
        text.MaskedGlobalPooling1D("sum")
    with pytest.raises(ValueError, match=r"\(B, T, H\)"):
        text.MaskedGlobalPooling1D()(np.zeros((2, 3), np.float32))


def _small_model(seed=0, units=4, vocab=20):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int64"),
            keras.layers.Embedding(vocab, 5, mask_zero=True),
            keras.layers.GRU(units, return_sequences=True),
            text.MaskedGlobalPooling1D("max"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    return model


def test_masked_model_does_not_depend_on_padding_amount_or_side():
    model = _small_model()
    ids = np.array([[3, 7, 2, 9]])
    ref = model.predict(ids, verbose=0)
    for pad in (1, 5, 30):
        z = np.zeros((1, pad), np.int64)
        for padded in (np.hstack([ids, z]), np.hstack([z, ids])):
            np.testing.assert_allclose(model.predict(padded, verbose=0), ref, atol=1e-6)


# --------------------------------------------------------------------------- batches
def test_length_batches_group_lengths_trim_columns_and_keep_pairs():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 12, size=50)
    x = np.zeros((50, 12), np.int64)
    for i, n in enumerate(lengths):
        x[i, :n] = i + 2  # each row's ids tell which row it is
    y = np.arange(50)
    batches = text.length_batches(x, y, 8, seed=1)
    assert sum(len(b[1]) for b in batches) == 50
    assert sorted(np.concatenate([b[1] for b in batches])) == list(range(50))
    for xb, yb in batches:
        assert xb.shape[1] == lengths[yb].max()  # cut to the batch's longest row
        assert np.all(xb[:, 0] == yb + 2)  # rows stay with their labels
    spread = [lengths[yb].max() - lengths[yb].min() for _, yb in batches]
    assert max(spread) <= 2  # similar lengths together
    with pytest.raises(ValueError, match=r"\(n, T\)"):
        text.length_batches(np.zeros(5), y[:5], 2)
    with pytest.raises(ValueError, match="rows"):
        text.length_batches(x, y[:3], 2)


def test_accuracy_reads_sigmoid_and_softmax_outputs():
    assert text.accuracy(np.array([[0.9], [0.2], [0.6]]), np.array([1, 0, 0])) == 2 / 3
    assert text.accuracy(np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]), np.array([1, 2])) == 0.5
    with pytest.raises(ValueError, match=r"\(n,\)"):
        text.accuracy(np.zeros((3, 2)), np.zeros(2))


# --------------------------------------------------------------------------- training
def _toy_data(seed=0):
    # label 1 iff token 3 occurs; the dev labels of the second half are flipped, so that dev
    # accuracy peaks early and then falls while the model learns the training rule
    rng = np.random.default_rng(seed)
    x = rng.integers(2, 20, size=(96, 6))
    x[rng.random(96) < 0.3, -2:] = 0  # some post-padding
    y = (x == 3).any(axis=1).astype(np.float32)
    x_dev = rng.integers(2, 20, size=(60, 6))
    y_dev = (x_dev == 3).any(axis=1).astype(np.int64)
    y_dev[30:] = 1 - y_dev[30:]
    return x, y, x_dev, y_dev


def test_fit_early_stopping_restores_the_best_dev_epoch():
    x, y, x_dev, y_dev = _toy_data()
    model = _small_model()
    res = text.fit_early_stopping(
        model, x, y, x_dev, y_dev, max_epochs=8, patience=8, batch_size=16, seed=0
    )
    assert len(res.dev_acc) == 8 and len(res.train_loss) == 8
    assert res.best_epoch == int(np.argmax(res.dev_acc)) + 1
    assert res.dev_acc[-1] < max(res.dev_acc)  # the last epoch is not the best ...
    restored = text.accuracy(model.predict(x_dev, verbose=0), y_dev)
    assert restored == max(res.dev_acc) == res.best_dev_acc  # ... and the best is put back
    assert res.seconds > 0 and res.seed == 0


def test_fit_early_stopping_stops_after_patience():
    x, y, x_dev, y_dev = _toy_data()
    res = text.fit_early_stopping(
        _small_model(), x, y, x_dev, y_dev, max_epochs=30, patience=2, batch_size=16, seed=0
    )
    assert len(res.dev_acc) == res.best_epoch + 2 or len(res.dev_acc) == 30
    with pytest.raises(ValueError, match="patience"):
        text.fit_early_stopping(_small_model(), x, y, x_dev, y_dev, patience=0)
    with pytest.raises(ValueError, match="y_dev"):
        text.fit_early_stopping(_small_model(), x, y, x_dev, y_dev[:5])


def test_train_seeds_repeat_and_ensemble_averages():
    x, y, x_dev, y_dev = _toy_data()

    def build():
        return _small_model(seed=np.random.randint(1000))  # seeded by train_seeds

    kw = dict(max_epochs=2, patience=2, batch_size=32)
    runs = text.train_seeds(build, [3, 4], x, y, x_dev, y_dev, **kw)
    again = text.train_seeds(build, [3], x, y, x_dev, y_dev, **kw)
    assert [r.seed for r in runs] == [3, 4]
    for a, b in zip(runs[0].model.get_weights(), again[0].model.get_weights()):
        np.testing.assert_array_equal(a, b)  # a seed repeats to the last bit
    p = text.ensemble_proba(runs, x_dev)
    members = [r.model.predict(x_dev, verbose=0) for r in runs]
    np.testing.assert_allclose(p, (members[0] + members[1]) / 2, rtol=1e-6)
    assert p.shape == (60, 1)
    with pytest.raises(ValueError, match="at least one"):
        text.ensemble_proba([], x_dev)
    with pytest.raises(ValueError, match="at least one"):
        text.train_seeds(build, [], x, y, x_dev, y_dev)
