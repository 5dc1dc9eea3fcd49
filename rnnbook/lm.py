"""Character-level language modelling: vocabularies, batches for truncated BPTT across
batches, and count-based n-gram baselines.

Defined and used in chapter 9, "Language modelling: a character-level RNN on Tiny
Shakespeare" (``chapters/09_language_modelling.ipynb``). Conventions:

* a text is encoded as a 1-D ``int32`` array of **ids**, one per character, indices into a
  sorted character **vocabulary** (a ``list`` of one-character strings);
* a model reads ``x = ids[t : t + L]`` and is trained to predict the next characters
  ``y = ids[t + 1 : t + L + 1]``: the true previous character is always the input (*teacher
  forcing*);
* log-probabilities are in bits (``log2``) where a function says so; divide nats by ``ln 2``
  for bits.

Functions: :func:`char_vocabulary`, :func:`encode`, :func:`decode`; :func:`sequential_tracks`
and :func:`sequential_batches` (the text cut into contiguous tracks read in parallel, so that
the recurrent state can be carried from one batch to the next), :func:`random_chunks`
(independent windows at random positions); :func:`ngram_log2_probs` (add-one and
Witten-Bell n-gram models).

Wrong shapes or values raise :class:`ValueError` naming the expected and the actual ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validate import expect_ndim, positive_int

__all__ = [
    "char_vocabulary",
    "encode",
    "decode",
    "sequential_tracks",
    "sequential_batches",
    "random_chunks",
    "ngram_log2_probs",
]


def _ids_1d(name: str, ids) -> np.ndarray:
    ids = np.asarray(ids)
    expect_ndim(name, ids, 1, "(n,)")
    if ids.size and ids.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integer ids, got dtype {ids.dtype}")
    return ids.astype(np.int64)


# --------------------------------------------------------------------------- vocabulary
def char_vocabulary(text: str) -> list[str]:
    """The distinct characters of ``text``, sorted by code point: id ``i`` is ``vocab[i]``.

    Chapter 9, §"The data: characters, ids and the split".
    """
    return sorted(set(text))


def encode(text: str, vocab: Sequence[str]) -> np.ndarray:
    """``text`` as ids: ``(len(text),)`` ``int32``, ``ids[t] = vocab.index(text[t])``.

    Chapter 9, §"The data: characters, ids and the split".

    Raises:
        ValueError: a character of ``text`` that is not in ``vocab`` (the message names them).
    """
    index = {c: i for i, c in enumerate(vocab)}
    unknown = sorted(set(text) - index.keys())
    if unknown:
        raise ValueError(f"characters not in the vocabulary: {unknown!r}")
    return np.fromiter((index[c] for c in text), dtype=np.int32, count=len(text))


def decode(ids, vocab: Sequence[str]) -> str:
    """The text of ``ids`` (``(n,)`` integers in ``[0, len(vocab))``).

    Chapter 9, §"The data: characters, ids and the split".

    Raises:
        ValueError: ids that are not a 1-D integer array, or fall outside ``[0, len(vocab))``.
    """
    ids = _ids_1d("ids", ids)
    if ids.size and (ids.min() < 0 or ids.max() >= len(vocab)):
        raise ValueError(
            f"ids must lie in [0, {len(vocab)}), got values in [{ids.min()}, {ids.max()}]"
        )
    return "".join(vocab[i] for i in ids)


# --------------------------------------------------------------------------- batches
def sequential_tracks(ids, n_tracks: int) -> np.ndarray:
    """The text cut into ``n_tracks`` contiguous tracks of equal length, one per row.

    Row ``b`` is ``ids[b * L : (b + 1) * L]`` with ``L = len(ids) // n_tracks``; the last
    ``len(ids) % n_tracks`` ids are dropped. Reading the rows in parallel, a batch at a time
    (:func:`sequential_batches`), lets the final hidden state of each row's batch be the initial
    state of the same row's next batch: truncated BPTT across batches (d2l §9.3 calls this
    *sequential partitioning*). Chapter 9, §"Batches: random chunks or carried state".

    Args:
        ids: ``(n,)`` integer ids.
        n_tracks: number of tracks (the batch size), an integer ``>= 1``.

    Returns:
        ``(n_tracks, L)`` array of the ids' dtype (``int64`` for a list).

    Raises:
        ValueError: ``ids`` not 1-D integers, ``n_tracks < 1``, or tracks shorter than 2 ids
            (no input-target pair).
    """
    ids = np.asarray(ids)
    expect_ndim("ids", ids, 1, "(n,)")
    n_tracks = positive_int("n_tracks", n_tracks)
    L = len(ids) // n_tracks
    if L < 2:
        raise ValueError(
            f"each of the {n_tracks} tracks needs at least 2 ids; {len(ids)} ids give {L}"
        )
    return ids[: L * n_tracks].reshape(n_tracks, L)


def sequential_batches(
    tracks: np.ndarray,
    seq_len: int,
    *,
    offset: int = 0,
    jitter: int = 0,
    rng: np.random.Generator | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """One pass over the tracks as consecutive ``(x, y)`` batches, each row continuing where
    the same row of the previous batch stopped.

    Batch ``k`` holds ``x = tracks[:, s_k : s_k + L_k]`` and the next characters
    ``y = tracks[:, s_k + 1 : s_k + L_k + 1]`` with ``s_0 = offset`` and
    ``s_{k+1} = s_k + L_k``; only complete batches are returned. With ``jitter > 0`` each
    length ``L_k`` is drawn uniformly from ``[seq_len - jitter, seq_len + jitter]``
    (randomized truncation lengths), so that the boundaries where BPTT stops move from one
    pass to the next. Chapter 9, §"Batches: random chunks or carried state".

    Args:
        tracks: ``(B, L)`` integer ids from :func:`sequential_tracks`.
        seq_len: the (mean) number of steps per batch, ``>= 1``.
        offset: the first position read, ``0 <= offset < L - 1`` (a random offset per epoch
            varies the cut points, as d2l §9.3 does).
        jitter: half-width of the range of lengths, ``0 <= jitter < seq_len``.
        rng: the generator for the lengths; required when ``jitter > 0``.

    Returns:
        A list of ``(x, y)`` pairs of ``(B, L_k)`` arrays.

    Raises:
        ValueError: ``tracks`` not 2-D, or ``seq_len``, ``offset``, ``jitter``, ``rng`` out of
            range or missing.
    """
    tracks = np.asarray(tracks)
    expect_ndim("tracks", tracks, 2, "(B, L)")
    seq_len = positive_int("seq_len", seq_len)
    n = tracks.shape[1]
    if not 0 <= offset < n - 1:
        raise ValueError(f"offset must lie in [0, {n - 1}) for tracks of length {n}, got {offset}")
    if not 0 <= jitter < seq_len:
        raise ValueError(f"jitter must lie in [0, seq_len) = [0, {seq_len}), got {jitter}")
    if jitter and rng is None:
        raise ValueError("jitter > 0 draws random lengths: pass rng (a numpy Generator)")
    batches, s = [], offset
    while True:
        L = int(rng.integers(seq_len - jitter, seq_len + jitter + 1)) if jitter else seq_len
        if s + L + 1 > n:
            return batches
        batches.append((tracks[:, s : s + L], tracks[:, s + 1 : s + L + 1]))
        s += L


def random_chunks(
    ids, batch_size: int, seq_len: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A batch of independent windows at random positions: ``x[b] = ids[s_b : s_b + seq_len]``,
    ``y[b] = ids[s_b + 1 : s_b + seq_len + 1]``, ``s_b`` uniform over the valid starts.

    Each window is read from a zero initial state (d2l §9.3, *random sampling*). Chapter 9,
    §"Batches: random chunks or carried state".

    Returns:
        ``(x, y)``, two ``(batch_size, seq_len)`` arrays of the ids' dtype.

    Raises:
        ValueError: ``ids`` not 1-D, or ``seq_len`` too long for the text (it needs
            ``len(ids) >= seq_len + 1``).
    """
    ids = np.asarray(ids)
    expect_ndim("ids", ids, 1, "(n,)")
    batch_size = positive_int("batch_size", batch_size)
    seq_len = positive_int("seq_len", seq_len)
    if len(ids) < seq_len + 1:
        raise ValueError(f"seq_len = {seq_len} needs at least {seq_len + 1} ids, got {len(ids)}")
    starts = rng.integers(0, len(ids) - seq_len, size=batch_size)
    window = starts[:, None] + np.arange(seq_len)
    return ids[window], ids[window + 1]


# --------------------------------------------------------------------------- n-grams
def _kgram_codes(ids: np.ndarray, k: int, V: int) -> np.ndarray:
    """The code sum_j ids[t + j] V^(k-1-j) of every k-gram starting at t (int64)."""
    codes = np.zeros(len(ids) - k + 1, dtype=np.int64)
    for j in range(k):
        codes = codes * V + ids[j : len(ids) - k + 1 + j]
    return codes


def _lookup(sorted_codes: np.ndarray, values: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """``values[i]`` where ``sorted_codes[i] == query``, else 0."""
    i = np.searchsorted(sorted_codes, queries)
    i = np.minimum(i, len(sorted_codes) - 1)
    found = sorted_codes[i] == queries
    return np.where(found, values[i], 0)


def ngram_log2_probs(
    train_ids, eval_ids, *, order: int, vocab_size: int, method: str = "add-one"
) -> np.ndarray:
    """``log2 P(c_t | previous order - 1 characters)`` for every character of ``eval_ids``,
    under an n-gram model counted on ``train_ids``.

    Let ``C(hc)`` count the n-gram ``h`` followed by ``c`` in the training ids, ``C(h)`` the
    n-grams with prefix ``h``, and ``N1(h)`` the distinct characters seen after ``h``:

    * ``"add-one"`` (Laplace): ``P(c | h) = (C(hc) + 1) / (C(h) + V)``;
    * ``"witten-bell"`` (interpolated; Witten & Bell 1991, in the form of Chen & Goodman 1999):
      ``P_k(c | h) = (C(hc) + N1(h) P_{k-1}(c | h')) / (C(h) + N1(h))`` with ``h'`` the context
      without its oldest character, ``P_0 = 1 / V``, and ``P_k = P_{k-1}`` for a context never
      seen in training.

    Both sum to 1 over the ``V`` characters in every context. The evaluation text is taken to
    follow the training text (as in a split by position): the first ``order - 1`` characters'
    contexts reach back into the end of ``train_ids``. Chapter 9, §"Count-based baselines".

    Args:
        train_ids: ``(n,)`` integer ids in ``[0, vocab_size)``, ``n >= order``.
        eval_ids: ``(m,)`` integer ids in ``[0, vocab_size)``.
        order: ``n`` of the n-gram (1 = unigram, 2 = bigram, ...), ``>= 1``.
        vocab_size: ``V``, with ``V ** order < 2**62`` (n-grams are coded as integers).
        method: ``"add-one"`` or ``"witten-bell"``.

    Returns:
        ``(m,)`` float64 log-probabilities in bits; ``-mean`` is the bits per character.

    Raises:
        ValueError: ids outside ``[0, vocab_size)`` or not 1-D integers, a bad ``order``,
            ``vocab_size`` or ``method``, or fewer than ``order`` training ids.
    """
    order = positive_int("order", order)
    V = positive_int("vocab_size", vocab_size)
    if method not in ("add-one", "witten-bell"):
        raise ValueError(f"method must be 'add-one' or 'witten-bell', got {method!r}")
    if V**order >= 2**62:
        raise ValueError(f"vocab_size ** order = {V}**{order} does not fit the int64 n-gram codes")
    train = _ids_1d("train_ids", train_ids)
    ev = _ids_1d("eval_ids", eval_ids)
    for name, a in (("train_ids", train), ("eval_ids", ev)):
        if a.size and (a.min() < 0 or a.max() >= V):
            raise ValueError(
                f"{name} must lie in [0, vocab_size) = [0, {V}), got [{a.min()}, {a.max()}]"
            )
    if len(train) < order:
        raise ValueError(f"order {order} needs at least {order} training ids, got {len(train)}")
    m = len(ev)
    history = np.concatenate([train[len(train) - (order - 1) :], ev]) if order > 1 else ev

    prob = np.full(m, 1.0 / V)  # P_0
    for k in range(1, order + 1):
        if method == "add-one" and k < order:
            continue  # add-one uses the full order only
        grams, counts = np.unique(_kgram_codes(train, k, V), return_counts=True)
        prefixes = grams // V  # sorted, so each prefix's n-grams are contiguous
        starts = np.flatnonzero(np.r_[True, prefixes[1:] != prefixes[:-1]])
        ctx_codes = prefixes[starts]
        ctx_total = np.add.reduceat(counts, starts)  # C(h)
        ctx_types = np.diff(np.r_[starts, len(grams)])  # N1(h)
        # the k-grams ending at each evaluated character
        q = _kgram_codes(history[order - k :], k, V)
        c_hc = _lookup(grams, counts, q).astype(np.float64)
        c_h = _lookup(ctx_codes, ctx_total, q // V).astype(np.float64)
        if method == "add-one":
            prob = (c_hc + 1.0) / (c_h + V)
        else:
            n1 = _lookup(ctx_codes, ctx_types, q // V).astype(np.float64)
            seen = c_h > 0
            mixed = (c_hc + n1 * prob) / np.where(seen, c_h + n1, 1.0)
            prob = np.where(seen, mixed, prob)
    return np.log2(prob)
