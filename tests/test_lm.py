"""rnnbook.lm: character vocabularies, batches for truncated BPTT, n-gram baselines."""

from __future__ import annotations

import itertools

import rnnbook  # noqa: F401  (environment first)
from rnnbook import lm

import numpy as np
import pytest


# --------------------------------------------------------------------------- vocabulary
def test_encode_decode_round_trip_and_sorted_vocabulary():
    text = "to be, or not to be\n"
    vocab = lm.char_vocabulary(text)
    assert vocab == sorted(set(text))
    ids = lm.encode(text, vocab)
    assert ids.dtype == np.int32 and ids.shape == (len(text),)
    assert lm.decode(ids, vocab) == text
    assert ids[text.index("b")] == vocab.index("b")


def test_encode_names_the_unknown_characters():
    with pytest.raises(ValueError, match=r"'z'"):
        lm.encode("abz", ["a", "b"])


def test_decode_refuses_ids_outside_the_vocabulary():
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        lm.decode(np.array([0, 2]), ["a", "b"])


# --------------------------------------------------------------------------- batches
def test_sequential_tracks_are_contiguous_pieces_of_the_text():
    ids = np.arange(23)
    tracks = lm.sequential_tracks(ids, 4)
    assert tracks.shape == (4, 5)  # 23 // 4 = 5 characters per track, 3 dropped
    assert np.array_equal(tracks.ravel(), ids[:20])
    with pytest.raises(ValueError, match="n_tracks"):
        lm.sequential_tracks(ids, 0)
    with pytest.raises(ValueError, match=r"\(n,\)"):
        lm.sequential_tracks(ids.reshape(1, -1), 2)
    with pytest.raises(ValueError, match="at least 2"):
        lm.sequential_tracks(ids[:5], 4)


def test_sequential_batches_continue_each_track_where_the_last_batch_stopped():
    tracks = np.arange(2 * 30).reshape(2, 30)
    batches = lm.sequential_batches(tracks, 4)
    assert len(batches) == 7  # (30 - 1) // 4 complete batches
    for k, (x, y) in enumerate(batches):
        assert x.shape == y.shape == (2, 4)
        assert np.array_equal(y, x + 1)  # the targets: the next characters (teacher forcing)
        assert np.array_equal(x[:, 0], tracks[:, 4 * k])  # ... starting where batch k-1 ended
    shifted = lm.sequential_batches(tracks, 4, offset=3)
    assert shifted[0][0][0, 0] == 3 and len(shifted) == 6


def test_sequential_batches_with_random_lengths_still_tile_the_tracks():
    tracks = np.arange(3 * 200).reshape(3, 200)
    rng = np.random.default_rng(0)
    batches = lm.sequential_batches(tracks, 10, jitter=5, rng=rng)
    lengths = [x.shape[1] for x, _ in batches]
    assert min(lengths) >= 5 and max(lengths) <= 15 and len(set(lengths)) > 3
    starts = np.cumsum([0] + lengths[:-1])
    for (x, y), s in zip(batches, starts):
        assert np.array_equal(x[:, 0], tracks[:, s]) and np.array_equal(y, x + 1)
    assert starts[-1] + lengths[-1] + 1 <= 200
    with pytest.raises(ValueError, match="rng"):
        lm.sequential_batches(tracks, 10, jitter=5)
    with pytest.raises(ValueError, match="jitter"):
        lm.sequential_batches(tracks, 10, jitter=10, rng=rng)


def test_random_chunks_are_windows_with_shifted_targets():
    ids = np.arange(1000)
    x, y = lm.random_chunks(ids, 8, 16, np.random.default_rng(1))
    assert x.shape == y.shape == (8, 16)
    assert np.array_equal(y, x + 1)
    assert np.all(np.diff(x, axis=1) == 1) and x.max() + 1 <= 999
    with pytest.raises(ValueError, match="seq_len"):
        lm.random_chunks(ids[:10], 2, 10, np.random.default_rng(1))


# --------------------------------------------------------------------------- n-grams
def test_add_one_bigram_matches_counts_by_hand():
    train = np.array([0, 1, 0, 1, 1, 2])  # bigrams: 01 10 01 11 12
    ev = np.array([1, 0, 2])  # predicted given the previous character (the first: train's last, 2)
    logp = lm.ngram_log2_probs(train, ev, order=2, vocab_size=3, method="add-one")
    # C(2·) = 0 -> 1/3; C(10) = 1, C(1·) = 3 -> 2/6; C(02) = 0, C(0·) = 2 -> 1/5
    assert np.allclose(2.0**logp, [1 / 3, 2 / 6, 1 / 5])


def test_add_one_unigram_is_the_smoothed_frequency():
    train = np.array([0, 0, 0, 1])
    logp = lm.ngram_log2_probs(train, np.array([0, 1, 2]), order=1, vocab_size=3)
    assert np.allclose(2.0**logp, [4 / 7, 2 / 7, 1 / 7])


@pytest.mark.parametrize("method", ["add-one", "witten-bell"])
@pytest.mark.parametrize("order", [1, 2, 3])
def test_ngram_probabilities_sum_to_one_in_every_context(method, order):
    V = 3
    train = np.random.default_rng(0).choice(V, size=200, p=[0.6, 0.3, 0.1])
    for context in itertools.product(range(V), repeat=order - 1):
        total = 0.0
        for c in range(V):
            ev = np.array([*context, c])
            total += (
                2.0 ** lm.ngram_log2_probs(train, ev, order=order, vocab_size=V, method=method)[-1]
            )
        assert total == pytest.approx(1.0, abs=1e-12)


def test_witten_bell_never_gives_zero_and_falls_back_on_unseen_contexts():
    train = np.array([0, 1, 0, 1, 0, 1])  # character 2 never occurs
    logp = lm.ngram_log2_probs(
        train, np.array([2, 2, 0]), order=3, vocab_size=3, method="witten-bell"
    )
    assert np.all(np.isfinite(logp))
    # context (2, 2) was never seen: the model backs off to lower orders
    assert logp[-1] == pytest.approx(
        lm.ngram_log2_probs(train, np.array([2, 0]), order=2, vocab_size=3, method="witten-bell")[
            -1
        ]
    )


def test_ngram_refuses_bad_arguments():
    with pytest.raises(ValueError, match="method"):
        lm.ngram_log2_probs(np.array([0, 1]), np.array([0]), order=1, vocab_size=2, method="kn")
    with pytest.raises(ValueError, match="vocab_size"):
        lm.ngram_log2_probs(np.array([0, 3]), np.array([0]), order=1, vocab_size=2)
    with pytest.raises(ValueError, match="order"):
        lm.ngram_log2_probs(np.array([0, 1]), np.array([0]), order=0, vocab_size=2)
