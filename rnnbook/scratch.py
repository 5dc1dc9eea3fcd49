"""Recurrent cells from scratch in NumPy: forward and backward passes over whole sequences.

Conventions (the book's notation, chapter 2, "The recurrent cell"):

* batch-major arrays, as Keras: a sequence ``x`` is ``(batch, time, features)``, written
  ``(B, T, D)``; hidden states are ``(B, H)``;
* row vectors, so a step is ``x_t @ W_xh`` and weights have exactly the layouts that Keras
  ``layer.get_weights()`` returns: ``rnn_forward(x, h0, *simple_rnn.get_weights())`` works;
* every function works in float64 (inputs are converted); that is what the gradient checks
  need;
* ``*_forward`` returns ``(h, cache)`` with ``h`` every hidden state ``(B, T, H)``; the
  matching ``*_backward`` takes the upstream gradient ``dh = dL/dh`` on *every* hidden state
  ``(B, T, H)`` (zeros where the loss does not read a state) and the cache, and returns the
  gradients of the loss with respect to the inputs, the initial state(s) and the weights.

The weight layouts and gate orders are Keras's (LSTM ``[i | f | g | o]``, GRU ``[z | r | h~]``
with a ``(2, 3H)`` bias), because that is where weights cross between NumPy and Keras; the
table in :mod:`rnnbook.keras_interop` is their one statement, and :func:`lstm_forward` and
:func:`gru_forward` give the equations.

Wrong shapes raise :class:`ValueError` naming the expected and the actual shapes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import as_float64, expect_ndim, expect_shape, positive_int, sequence_batch

__all__ = [
    "sigmoid",
    "softmax",
    "log_softmax",
    "softmax_cross_entropy",
    "init_rnn_params",
    "rnn_step",
    "rnn_forward",
    "rnn_backward",
    "lstm_step",
    "lstm_forward",
    "lstm_backward",
    "gru_step",
    "gru_forward",
    "gru_backward",
]

Cache = dict[str, Any]


def sigmoid(a: np.ndarray) -> np.ndarray:
    """Logistic function ``sigmoid(a) = 1 / (1 + exp(-a))``, computed without overflow.

    For ``a < 0`` it evaluates the equal form ``exp(a) / (1 + exp(a))``, so ``exp`` never sees
    a large positive argument. The gate nonlinearity of the LSTM and GRU; chapter 2, §"The
    source article's `RNN` class, and what is wrong with it" and §"Saturation: why the scale
    of the initial weights matters".

    Args:
        a: any shape, float (converted to float64).

    Returns:
        float64 array of the same shape with values in [0, 1], strictly inside except that
        ``a`` beyond about 37 rounds to exactly 1 and ``a`` below about -745 to exactly 0.
    """
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(-np.abs(a))  # exp(-a) for a >= 0, exp(a) for a < 0: never overflows
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``, shifted by the maximum so that nothing overflows.

    ``softmax(s)_k = exp(s_k - max_j s_j) / sum_j exp(s_j - max_j s_j)``, equal to the
    unshifted formula (the factor ``exp(-max)`` cancels; chapter 2, §"The output layer and a
    softmax that cannot overflow").

    Args:
        logits: any shape, float, e.g. ``(B, T, K)`` logits.
        axis: the class axis.

    Returns:
        float64 array of the same shape; entries in [0, 1] summing to 1 along ``axis``. An
        entry whose logit lies more than about 745 below the largest underflows to exactly 0
        (use :func:`log_softmax` for its logarithm).
    """
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """``log softmax(s)_k = s_k - logsumexp(s)``, computed without overflow or ``log(0)``.

    ``logsumexp(s) = m + log sum_j exp(s_j - m)`` with ``m = max_j s_j`` (chapter 2, §"The
    output layer and a softmax that cannot overflow"). Unlike ``np.log(softmax(s))``, this
    stays finite when a probability underflows to 0.

    Args:
        logits: any shape, float.
        axis: the class axis.

    Returns:
        float64 array of the same shape; entries ``<= 0``, log-probabilities in nats.
    """
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def _check_targets(logits: Any, y: Any, mask: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`softmax_cross_entropy`'s arguments: float64 logits ``(..., K)``, integer targets
    ``(...)`` in ``[0, K)`` (as ``intp``), and the float64 mask (ones without one)."""
    s = as_float64("logits", logits)
    if s.ndim < 1 or s.shape[-1] == 0:
        raise ValueError(f"logits must have shape (..., K) with K >= 1, got {s.shape}")
    y = np.asarray(y)
    expect_shape("y", y, s.shape[:-1], "logits.shape[:-1]")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold integer class indices, got dtype {y.dtype}")
    K = s.shape[-1]
    if y.size and (y.min() < 0 or y.max() >= K):
        raise ValueError(f"y must lie in [0, K) = [0, {K}), got values in [{y.min()}, {y.max()}]")
    if mask is None:
        m = np.ones(y.shape)
    else:
        m = as_float64("mask", mask)
        expect_shape("mask", m, y.shape, "y.shape")
        if not np.isin(m, (0.0, 1.0)).all():
            raise ValueError("mask must hold only 0 and 1 (or False and True)")
    if m.sum() == 0:
        raise ValueError("mask counts no position: the mean loss is undefined")
    return s, y.astype(np.intp), m


def softmax_cross_entropy(logits: Any, y: Any, mask: Any | None = None) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of integer targets under softmax(logits), and its gradient.

    ``L = (1 / N) sum_n m_n (-log softmax(s_n)[y_n])`` over all positions ``n`` (every
    sequence and time step), with ``N = sum_n m_n`` the number of counted positions, and
    ``dL/ds_n = m_n (softmax(s_n) - onehot(y_n)) / N``. The mask ``m`` (1 = real step, 0 =
    padding) keeps padded steps out of both the loss and its gradient, as CS231n's temporal
    softmax loss does; without a mask every position counts. Chapter 3, §"The loss over a
    sequence", derives the loss and its gradient (equations ``eq-03-ce`` and ``eq-03-dlogits``),
    and §"The backward pass, step by step" shows this code; chapter 2, §"The output layer and a
    softmax that cannot overflow", uses it first. The log-probabilities come from
    :func:`log_softmax`, so the loss stays finite when a probability underflows.

    Args:
        logits: ``(..., K)`` float, e.g. ``(B, T, K)`` logits ``s_t = h_t W_hy + b_y``.
        y: ``(...)`` integer class indices in ``[0, K)``, the shape of ``logits`` without its
            last axis.
        mask: optional ``(...)`` array of 0/1 (or booleans) of the same shape as ``y``.

    Returns:
        ``(loss, dlogits)``: the mean loss in nats per counted position (a float), and
        ``dL/dlogits`` float64 of the shape of ``logits``.

    Raises:
        ValueError: shapes that do not match, targets outside ``[0, K)`` or not integers, a
            mask with entries other than 0 and 1, or a mask that counts no position.
    """
    s, y, m = _check_targets(logits, y, mask)
    n = m.sum()  # counted positions
    logp = log_softmax(s)
    y_idx = y[..., None]  # the target's position on the class axis
    loss = -(m * np.take_along_axis(logp, y_idx, axis=-1)[..., 0]).sum() / n
    dlogits = np.exp(logp)  # softmax(s)
    np.put_along_axis(dlogits, y_idx, np.take_along_axis(dlogits, y_idx, axis=-1) - 1.0, axis=-1)
    dlogits *= (m / n)[..., None]  # m_n (softmax(s_n) - onehot(y_n)) / N
    return float(loss), dlogits


def init_rnn_params(
    rng: np.random.Generator, D: int, H: int, K: int | None = None
) -> dict[str, np.ndarray]:
    """Weights of an Elman RNN (and optional readout) initialised as Keras initialises them.

    ``W_xh`` and ``W_hy``: Glorot uniform, ``U(-l, l)`` with ``l = sqrt(6 / (fan_in +
    fan_out))`` (Glorot & Bengio 2010); ``W_hh``: a random orthogonal matrix (Saxe et al.
    2014), so that at initialisation it neither shrinks nor stretches the state; biases zero.
    These are the distributions of the defaults of ``keras.layers.SimpleRNN`` and
    ``keras.layers.Dense`` (the numbers differ: Keras draws from its own generator). Chapter 2,
    §"The cell in NumPy, step by step" (shows this code), and §"Saturation: why the scale of
    the initial weights matters"; chapter 4, §"Orthogonal versus Gaussian initialization".

    Args:
        rng: a NumPy ``Generator`` (e.g. ``np.random.default_rng(0)``): same seed, same weights.
        D: input features, an integer ``>= 1``.
        H: hidden units, an integer ``>= 1``.
        K: optional number of outputs (logits), an integer ``>= 1``.

    Returns:
        A dict of float64 arrays, ``W_xh (D, H)``, ``W_hh (H, H)``, ``b_h (H,)``, and with ``K``
        also ``W_hy (H, K)``, ``b_y (K,)``.

    Raises:
        ValueError: ``D``, ``H`` or ``K`` is not a positive integer.
    """
    D, H = positive_int("D", D), positive_int("H", H)

    def glorot(fan_in: int, fan_out: int) -> np.ndarray:
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=(fan_in, fan_out))

    q, r = np.linalg.qr(rng.standard_normal((H, H)))
    params = {"W_xh": glorot(D, H), "W_hh": q * np.sign(np.diag(r)), "b_h": np.zeros(H)}
    if K is not None:
        K = positive_int("K", K)
        params.update(W_hy=glorot(H, K), b_y=np.zeros(K))
    return params


# --------------------------------------------------------------------------- shape checks
def _check_dh(dh: Any, h_shape: tuple[int, ...]) -> np.ndarray:
    dh = as_float64("dh", dh)
    expect_shape("dh", dh, h_shape, "(B, T, H)")
    return dh


def _check_rnn(x: Any, h0: Any, W_xh: Any, W_hh: Any, b_h: Any) -> tuple[np.ndarray, ...]:
    """The arguments of :func:`rnn_forward` as float64 arrays of consistent shapes."""
    x, B, T, D = sequence_batch("x", x)
    W_xh = as_float64("W_xh", W_xh)
    if W_xh.ndim != 2 or W_xh.shape[0] != D:
        raise ValueError(f"W_xh must have shape (D, H) = ({D}, H), got {W_xh.shape}")
    H = W_xh.shape[1]
    W_hh, b_h, h0 = as_float64("W_hh", W_hh), as_float64("b_h", b_h), as_float64("h0", h0)
    expect_shape("W_hh", W_hh, (H, H), "(H, H)")
    expect_shape("b_h", b_h, (H,), "(H,)")
    expect_shape("h0", h0, (B, H), "(B, H)")
    return x, h0, W_xh, W_hh, b_h


def _check_step(x_t: Any, h_prev: Any, W_xh: Any, W_hh: Any, b_h: Any) -> tuple[np.ndarray, ...]:
    """The arguments of :func:`rnn_step` as float64 arrays of consistent shapes."""
    x_t, h_prev = as_float64("x_t", x_t), as_float64("h_prev", h_prev)
    W_xh, W_hh, b_h = as_float64("W_xh", W_xh), as_float64("W_hh", W_hh), as_float64("b_h", b_h)
    expect_ndim("W_xh", W_xh, 2, "(D, H)")
    D, H = W_xh.shape
    if x_t.ndim != 2 or x_t.shape[1] != D:
        raise ValueError(f"x_t must have shape (B, D) = (B, {D}), got {x_t.shape}")
    expect_shape("h_prev", h_prev, (x_t.shape[0], H), "(B, H)")
    expect_shape("W_hh", W_hh, (H, H), "(H, H)")
    expect_shape("b_h", b_h, (H,), "(H,)")
    return x_t, h_prev, W_xh, W_hh, b_h


# --------------------------------------------------------------------------- Elman RNN
def rnn_step(x_t: Any, h_prev: Any, W_xh: Any, W_hh: Any, b_h: Any) -> np.ndarray:
    """One step of the Elman cell: ``h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)``.

    Elman (1990); equation ``eq-elman`` of chapter 1, §"The recurrence"; chapter 2, §"The
    Elman cell" and §"The cell in NumPy, step by step" (shows this code).
    :func:`rnn_forward` applies this step ``T`` times (with the input products of all steps
    computed at once); a sampler calls it one character at a time (chapter 3, §"Training a
    character-level language model").

    Args:
        x_t: inputs of one step ``(B, D)``.
        h_prev: previous hidden state ``h_{t-1}`` ``(B, H)``.
        W_xh: input weights ``(D, H)``.
        W_hh: recurrent weights ``(H, H)``.
        b_h: bias ``(H,)`` (the three in Keras ``SimpleRNN`` layout).

    Returns:
        ``h_t`` ``(B, H)`` float64.

    Raises:
        ValueError: a shape does not match the others.
    """
    x_t, h_prev, W_xh, W_hh, b_h = _check_step(x_t, h_prev, W_xh, W_hh, b_h)
    return np.tanh(x_t @ W_xh + h_prev @ W_hh + b_h)


def rnn_forward(x: Any, h0: Any, W_xh: Any, W_hh: Any, b_h: Any) -> tuple[np.ndarray, Cache]:
    """Run an Elman (vanilla) RNN over a batch of sequences.

    ``h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)`` for t = 1..T (Elman 1990; the book's
    equation ``eq-elman``, chapter 1, §"The recurrence"; implemented step by step in chapter 2,
    §"The cell in NumPy, step by step").

    Args:
        x: inputs ``(B, T, D)``, float (converted to float64).
        h0: initial hidden state ``(B, H)``.
        W_xh: input weights ``(D, H)`` (Keras ``SimpleRNN`` "kernel").
        W_hh: recurrent weights ``(H, H)`` (Keras "recurrent_kernel").
        b_h: bias ``(H,)``.

    Returns:
        ``(h, cache)``: ``h`` is every hidden state ``(B, T, H)`` float64 (``h[:, t]`` is
        h_{t+1} in 1-based notation); ``cache`` holds what :func:`rnn_backward` needs.

    Raises:
        ValueError: a shape does not match the others (message names expected and actual).
    """
    x, h0, W_xh, W_hh, b_h = _check_rnn(x, h0, W_xh, W_hh, b_h)
    B, T, H = x.shape[0], x.shape[1], W_hh.shape[0]
    h = np.empty((B, T, H))
    xW = x @ W_xh  # (B, T, H): the input term for every step at once
    h_prev = h0
    for t in range(T):
        h_prev = np.tanh(xW[:, t] + h_prev @ W_hh + b_h)
        h[:, t] = h_prev
    cache = {"x": x, "h0": h0, "h": h, "W_xh": W_xh, "W_hh": W_hh}
    return h, cache


def rnn_backward(
    dh: Any, cache: Cache
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backpropagation through time for :func:`rnn_forward`.

    With ``a_t = x_t W_xh + h_{t-1} W_hh + b_h`` and ``delta_t = dL/da_t``:
    ``dL/dh_t = dh_t + delta_{t+1} W_hh^T``, ``delta_t = dL/dh_t * (1 - h_t^2)``, and the
    weight gradients are sums over time: ``dW_xh = sum_t x_t^T delta_t``,
    ``dW_hh = sum_t h_{t-1}^T delta_t``, ``db_h = sum_t sum_batch delta_t``
    (Werbos 1990; chapter 3, §"Deriving BPTT", equations ``eq-03-dh`` and ``eq-03-delta``,
    and §"The backward pass, step by step").

    Args:
        dh: upstream gradient ``dL/dh`` on every hidden state ``(B, T, H)`` (zeros where the
            loss does not depend on a state).
        cache: from :func:`rnn_forward`.

    Returns:
        ``(dx (B,T,D), dh0 (B,H), dW_xh (D,H), dW_hh (H,H), db_h (H,))``, float64.

    Raises:
        ValueError: ``dh`` does not have the shape of the forward pass's ``h``.
    """
    x, h0, h = cache["x"], cache["h0"], cache["h"]
    W_xh, W_hh = cache["W_xh"], cache["W_hh"]
    dh = _check_dh(dh, h.shape)
    B, T, D = x.shape
    dx = np.empty_like(x)
    dW_xh = np.zeros_like(W_xh)
    dW_hh = np.zeros_like(W_hh)
    db_h = np.zeros(W_hh.shape[0])
    dh_next = np.zeros_like(h0)  # dL/dh_t arriving from step t+1
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        delta = (dh[:, t] + dh_next) * (1.0 - h[:, t] ** 2)  # dL/da_t
        dx[:, t] = delta @ W_xh.T
        dW_xh += x[:, t].T @ delta
        dW_hh += h_prev.T @ delta
        db_h += delta.sum(axis=0)
        dh_next = delta @ W_hh.T
    return dx, dh_next, dW_xh, dW_hh, db_h


# --------------------------------------------------------------------------- LSTM
def _check_gated(
    x: Any, states: dict[str, Any], W: Any, U: Any, b: Any, n_gates: int, b_rows: int | None
) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, int]:
    x, B, T, D = sequence_batch("x", x)
    W = as_float64("W", W)
    if W.ndim != 2 or W.shape[0] != D or W.shape[1] % n_gates != 0 or W.shape[1] == 0:
        raise ValueError(f"W must have shape (D, {n_gates}H) = ({D}, {n_gates}*H), got {W.shape}")
    H = W.shape[1] // n_gates
    U = as_float64("U", U)
    expect_shape("U", U, (H, n_gates * H), f"(H, {n_gates}H)")
    b = as_float64("b", b)
    if b_rows is None:
        expect_shape("b", b, (n_gates * H,), f"({n_gates}H,)")
    else:
        expect_shape("b", b, (b_rows, n_gates * H), f"({b_rows}, {n_gates}H)")
    out = {}
    for name, s in states.items():
        s = as_float64(name, s)
        expect_shape(name, s, (B, H), "(B, H)")
        out[name] = s
    return x, out, W, U, b, H


def _check_gated_step(
    x_t: Any, states: dict[str, Any], W: Any, U: Any, b: Any, n_gates: int, b_rows: int | None
) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, int]:
    """The arguments of one gated step, ``x_t (B, D)``, as :func:`_check_gated` checks them."""
    x_t, W = as_float64("x_t", x_t), as_float64("W", W)
    expect_ndim("x_t", x_t, 2, "(B, D)")
    if W.ndim != 2 or W.shape[1] % n_gates != 0 or W.shape[1] == 0:
        D = W.shape[0] if W.ndim == 2 else x_t.shape[1]
        raise ValueError(f"W must have shape (D, {n_gates}H) = ({D}, {n_gates}*H), got {W.shape}")
    if x_t.shape[1] != W.shape[0]:
        raise ValueError(f"x_t must have shape (B, D) = (B, {W.shape[0]}), got {x_t.shape}")
    x, st, W, U, b, H = _check_gated(x_t[:, None, :], states, W, U, b, n_gates, b_rows)
    return x[:, 0], st, W, U, b, H


def lstm_step(
    x_t: Any, h_prev: Any, c_prev: Any, W: Any, U: Any, b: Any
) -> tuple[np.ndarray, np.ndarray]:
    """One step of the LSTM: ``(h_t, c_t)`` from ``x_t`` and ``(h_{t-1}, c_{t-1})``.

    With ``[a_i | a_f | a_g | a_o] = x_t W + h_{t-1} U + b`` (Keras's column order i, f,
    c (= g), o)::

        c_t = sigmoid(a_f) * c_{t-1} + sigmoid(a_i) * tanh(a_g)
        h_t = sigmoid(a_o) * tanh(c_t)

    the step that :func:`lstm_forward` applies ``T`` times (chapter 7, §"The LSTM cell",
    equation ``eq-07-lstm``). Chapter 7, §"Why gates help: the cell-state path", checks with it
    that ``dc_t/dc_{t-1} = diag(f_t)`` on the direct path; a sampler can call it one step at a
    time.

    Args:
        x_t: inputs of one step ``(B, D)``.
        h_prev: previous hidden state ``h_{t-1}`` ``(B, H)``.
        c_prev: previous cell state ``c_{t-1}`` ``(B, H)``.
        W: input weights ``(D, 4H)`` (Keras ``LSTM`` "kernel").
        U: recurrent weights ``(H, 4H)`` (Keras "recurrent_kernel").
        b: bias ``(4H,)``.

    Returns:
        ``(h_t, c_t)``, each ``(B, H)`` float64.

    Raises:
        ValueError: a shape does not match the others (message names expected and actual).
    """
    x_t, st, W, U, b, H = _check_gated_step(
        x_t, {"h_prev": h_prev, "c_prev": c_prev}, W, U, b, 4, None
    )
    a = x_t @ W + b + st["h_prev"] @ U
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
    c_t = f * st["c_prev"] + i * g
    return o * np.tanh(c_t), c_t


def lstm_forward(x: Any, h0: Any, c0: Any, W: Any, U: Any, b: Any) -> tuple[np.ndarray, Cache]:
    """Run an LSTM over a batch of sequences, with Keras's weight layout.

    For each step, with ``[a_i | a_f | a_g | a_o] = x_t W + h_{t-1} U + b``::

        i_t = sigmoid(a_i)   f_t = sigmoid(a_f)   g_t = tanh(a_g)   o_t = sigmoid(a_o)
        c_t = f_t * c_{t-1} + i_t * g_t
        h_t = o_t * tanh(c_t)

    (Hochreiter & Schmidhuber 1997, with the forget gate of Gers, Schmidhuber & Cummins 2000.)
    Chapter 5, §"Recurrent forecasters in Keras 3", states these equations and checks this
    function against Keras's ``LSTM``; chapter 7, §"The LSTM cell", derives them, builds the
    cell step by step and shows this function; §"The forget-gate bias" reads its gates. Gate
    order of the columns is Keras's: i, f, c (= g), o (:mod:`rnnbook.keras_interop`).

    Args:
        x: inputs ``(B, T, D)``.
        h0: initial hidden state ``(B, H)``.
        c0: initial cell state ``(B, H)``.
        W: input weights ``(D, 4H)`` (Keras ``LSTM`` "kernel").
        U: recurrent weights ``(H, 4H)`` (Keras "recurrent_kernel").
        b: bias ``(4H,)``.

    Returns:
        ``(h, cache)``: every hidden state ``(B, T, H)`` float64; the cell states are in
        ``cache["c"]`` ``(B, T, H)`` and the gates in ``cache["i"]``, ``["f"]``, ``["g"]``,
        ``["o"]``, each ``(B, T, H)``.

    Raises:
        ValueError: inconsistent shapes (message names expected and actual).
    """
    x, st, W, U, b, H = _check_gated(x, {"h0": h0, "c0": c0}, W, U, b, 4, None)
    h0, c0 = st["h0"], st["c0"]
    B, T, _ = x.shape
    xW = x @ W + b  # (B, T, 4H)
    gates = {k: np.empty((B, T, H)) for k in "ifgo"}
    h = np.empty((B, T, H))
    c = np.empty((B, T, H))
    h_prev, c_prev = h0, c0
    for t in range(T):
        a = xW[:, t] + h_prev @ U
        i = sigmoid(a[:, :H])
        f = sigmoid(a[:, H : 2 * H])
        g = np.tanh(a[:, 2 * H : 3 * H])
        o = sigmoid(a[:, 3 * H :])
        c_prev = f * c_prev + i * g
        h_prev = o * np.tanh(c_prev)
        for k, v in zip("ifgo", (i, f, g, o)):
            gates[k][:, t] = v
        c[:, t] = c_prev
        h[:, t] = h_prev
    cache = {"x": x, "h0": h0, "c0": c0, "h": h, "c": c, "W": W, "U": U, **gates}
    return h, cache


def lstm_backward(
    dh: Any, cache: Cache
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backpropagation through time for :func:`lstm_forward`.

    Going back one step, the cell-state gradient is ``dL/dc_{t-1} = dL/dc_t * f_t`` along the
    direct path ``c_{t-1} -> c_t`` (an element-wise product with the forget gate, no weight
    matrix), plus the paths through ``h_{t-1}``, which enter via the gates: ``dL/dh_{t-1}``
    is ``(dL/da_t) U^T``. With ``f_t`` near 1 the direct path keeps gradients from vanishing
    (chapter 7, §"Gradients, checked", which shows this function and checks it against central
    differences, and §"Why gates help: the cell-state path").

    Args:
        dh: upstream gradient on every hidden state ``(B, T, H)``.
        cache: from :func:`lstm_forward`.

    Returns:
        ``(dx (B,T,D), dh0 (B,H), dc0 (B,H), dW (D,4H), dU (H,4H), db (4H,))``, float64.

    Raises:
        ValueError: ``dh`` does not have the shape of the forward pass's ``h``.
    """
    x, h0, h, c, W, U = (cache[k] for k in ("x", "h0", "h", "c", "W", "U"))
    dh = _check_dh(dh, h.shape)
    B, T, _ = x.shape
    H = h.shape[2]
    dx = np.empty_like(x)
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(4 * H)
    dh_next = np.zeros((B, H))
    dc_next = np.zeros((B, H))
    for t in reversed(range(T)):
        i, f, g, o = (cache[k][:, t] for k in "ifgo")
        h_prev = h[:, t - 1] if t > 0 else h0
        c_prev = c[:, t - 1] if t > 0 else cache["c0"]
        tc = np.tanh(c[:, t])
        dh_t = dh[:, t] + dh_next
        do = dh_t * tc
        dc = dc_next + dh_t * o * (1.0 - tc**2)
        di, df, dg = dc * g, dc * c_prev, dc * i
        da = np.concatenate(
            [di * i * (1 - i), df * f * (1 - f), dg * (1 - g**2), do * o * (1 - o)], axis=1
        )
        dx[:, t] = da @ W.T
        dW += x[:, t].T @ da
        dU += h_prev.T @ da
        db += da.sum(axis=0)
        dh_next = da @ U.T
        dc_next = dc * f
    return dx, dh_next, dc_next, dW, dU, db


# --------------------------------------------------------------------------- GRU
def gru_step(x_t: Any, h_prev: Any, W: Any, U: Any, b: Any) -> np.ndarray:
    """One step of the GRU as Keras ``GRU(reset_after=True)``: ``h_t`` from ``x_t``, ``h_{t-1}``.

    With ``[xz | xr | xh] = x_t W + b[0]`` and ``[hz | hr | hh] = h_{t-1} U + b[1]`` (Keras's
    column order z, r, h)::

        z_t = sigmoid(xz + hz),  r_t = sigmoid(xr + hr),  h~_t = tanh(xh + r_t * hh)
        h_t = z_t * h_{t-1} + (1 - z_t) * h~_t

    the step that :func:`gru_forward` applies ``T`` times (chapter 7, §"The GRU cell",
    equation ``eq-07-gru``); a sampler can call it one step at a time.

    Args:
        x_t: inputs of one step ``(B, D)``.
        h_prev: previous hidden state ``h_{t-1}`` ``(B, H)``.
        W: input weights ``(D, 3H)`` (Keras ``GRU`` "kernel").
        U: recurrent weights ``(H, 3H)`` (Keras "recurrent_kernel").
        b: biases ``(2, 3H)``: row 0 input bias, row 1 recurrent bias.

    Returns:
        ``h_t`` ``(B, H)`` float64.

    Raises:
        ValueError: a shape does not match the others (message names expected and actual).
    """
    x_t, st, W, U, b, H = _check_gated_step(x_t, {"h_prev": h_prev}, W, U, b, 3, 2)
    h_prev = st["h_prev"]
    xw = x_t @ W + b[0]
    rec = h_prev @ U + b[1]
    z = sigmoid(xw[:, :H] + rec[:, :H])
    r = sigmoid(xw[:, H : 2 * H] + rec[:, H : 2 * H])
    h_tilde = np.tanh(xw[:, 2 * H :] + r * rec[:, 2 * H :])
    return z * h_prev + (1.0 - z) * h_tilde


def gru_forward(x: Any, h0: Any, W: Any, U: Any, b: Any) -> tuple[np.ndarray, Cache]:
    """Run a GRU over a batch of sequences, exactly as Keras ``GRU(reset_after=True)``.

    With ``[xz | xr | xh] = x_t W + b[0]`` and ``[hz | hr | hh] = h_{t-1} U + b[1]``::

        z_t  = sigmoid(xz + hz)            (update gate)
        r_t  = sigmoid(xr + hr)            (reset gate)
        h~_t = tanh(xh + r_t * hh)         (candidate; reset applied after the product)
        h_t  = z_t * h_{t-1} + (1 - z_t) * h~_t

    (Cho et al. 2014, eqs. 5-8, in the "reset after" form used by cuDNN and by Keras by
    default.) Chapter 5, §"Recurrent forecasters in Keras 3", states these equations and checks
    this function against Keras's ``GRU``; chapter 7, §"The GRU cell", shows it beside the
    original "reset before" form and checks it against Keras. As in Cho et al.
    and Keras, ``z_t`` weights the *old* state (some texts swap ``z_t`` and ``1 - z_t``). Gate
    order of the columns is Keras's: z, r, h (:mod:`rnnbook.keras_interop`).

    Args:
        x: inputs ``(B, T, D)``.
        h0: initial hidden state ``(B, H)``.
        W: input weights ``(D, 3H)`` (Keras ``GRU`` "kernel").
        U: recurrent weights ``(H, 3H)`` (Keras "recurrent_kernel").
        b: biases ``(2, 3H)``: row 0 input bias, row 1 recurrent bias.

    Returns:
        ``(h, cache)``: every hidden state ``(B, T, H)`` float64; gates in ``cache["z"]``,
        ``cache["r"]`` and the candidate in ``cache["h_tilde"]``, each ``(B, T, H)``.

    Raises:
        ValueError: inconsistent shapes (message names expected and actual).
    """
    x, st, W, U, b, H = _check_gated(x, {"h0": h0}, W, U, b, 3, 2)
    h0 = st["h0"]
    B, T, _ = x.shape
    xW = x @ W + b[0]  # (B, T, 3H)
    z_all, r_all, ht_all, hh_all = (np.empty((B, T, H)) for _ in range(4))
    h = np.empty((B, T, H))
    h_prev = h0
    for t in range(T):
        rec = h_prev @ U + b[1]
        z = sigmoid(xW[:, t, :H] + rec[:, :H])
        r = sigmoid(xW[:, t, H : 2 * H] + rec[:, H : 2 * H])
        h_tilde = np.tanh(xW[:, t, 2 * H :] + r * rec[:, 2 * H :])
        h_prev = z * h_prev + (1.0 - z) * h_tilde
        z_all[:, t], r_all[:, t], ht_all[:, t], hh_all[:, t] = z, r, h_tilde, rec[:, 2 * H :]
        h[:, t] = h_prev
    cache = {
        "x": x,
        "h0": h0,
        "h": h,
        "W": W,
        "U": U,
        "z": z_all,
        "r": r_all,
        "h_tilde": ht_all,
        "rec_h": hh_all,
    }
    return h, cache


def gru_backward(
    dh: Any, cache: Cache
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backpropagation through time for :func:`gru_forward`.

    Going back one step, ``dL/dh_{t-1}`` has a direct term ``dL/dh_t * z_t`` (no weight
    matrix, the GRU's counterpart of the LSTM's cell path) plus the paths through the gates
    and the candidate, which enter via ``U^T``. Chapter 7, §"Gradients, checked", derives these
    equations (``eq-07-gru-backward``), shows this function and checks it against central
    differences.

    Args:
        dh: upstream gradient on every hidden state ``(B, T, H)``.
        cache: from :func:`gru_forward`.

    Returns:
        ``(dx (B,T,D), dh0 (B,H), dW (D,3H), dU (H,3H), db (2,3H))``, float64; ``db[0]`` is
        the input-bias gradient and ``db[1]`` the recurrent-bias gradient.

    Raises:
        ValueError: ``dh`` does not have the shape of the forward pass's ``h``.
    """
    x, h0, h, W, U = (cache[k] for k in ("x", "h0", "h", "W", "U"))
    dh = _check_dh(dh, h.shape)
    B, T, _ = x.shape
    H = h.shape[2]
    dx = np.empty_like(x)
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros((2, 3 * H))
    dh_next = np.zeros((B, H))
    for t in reversed(range(T)):
        z, r, h_tilde, rec_h = (cache[k][:, t] for k in ("z", "r", "h_tilde", "rec_h"))
        h_prev = h[:, t - 1] if t > 0 else h0
        dh_t = dh[:, t] + dh_next
        dz = dh_t * (h_prev - h_tilde)
        dh_tilde = dh_t * (1.0 - z)
        dh_prev = dh_t * z
        da_h = dh_tilde * (1.0 - h_tilde**2)  # gradient on xh + r * rec_h
        dr = da_h * rec_h
        da_z = dz * z * (1.0 - z)
        da_r = dr * r * (1.0 - r)
        d_in = np.concatenate([da_z, da_r, da_h], axis=1)  # gradient on x_t W + b[0]
        d_rec = np.concatenate([da_z, da_r, da_h * r], axis=1)  # on h_{t-1} U + b[1]
        dx[:, t] = d_in @ W.T
        dW += x[:, t].T @ d_in
        dU += h_prev.T @ d_rec
        db[0] += d_in.sum(axis=0)
        db[1] += d_rec.sum(axis=0)
        dh_next = dh_prev + d_rec @ U.T
    return dx, dh_next, dW, dU, db
