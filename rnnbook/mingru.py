"""minGRU: a gated recurrence whose gates do not read the state, computed step by step or
all at once by a scan in log space.

Defined and used in chapter 10, "Beyond recurrent networks: convolutions, parallel scans and
attention" (``chapters/10_beyond_rnns.ipynb``). The minimal GRU of Feng et al. (2024), "Were
RNNs All We Needed?" (arXiv:2410.01201, section 3), drops the state from the GRU's gate and
candidate, so that every step's coefficients come from its input alone::

    z_t       = sigmoid(x_t W_z + b_z)              (update gate)
    h~_t      = g(x_t W_h + b_h)                    (candidate, positive)
    h_t       = (1 - z_t) * h_{t-1} + z_t * h~_t    (element by element)

with ``g(a) = a + 1/2`` for ``a >= 0`` and ``sigmoid(a)`` for ``a < 0``, the activation of the
paper's log-space version (its appendix), which keeps the candidate positive so that its
logarithm exists. Unlike the GRU of Cho et al. and Keras (:func:`rnnbook.scratch.gru_forward`),
where ``z_t`` weights the *old* state, minGRU's ``z_t`` weights the *new* candidate.

The recurrence is linear in ``h``: ``h_t = a_t * h_{t-1} + b_t`` with ``a_t = 1 - z_t`` and
``b_t = z_t * h~_t``, known for every step before the loop starts. Unrolled,
``h_t = A_t h_0 + sum_{s<=t} (A_t / A_s) b_s`` with ``A_t = a_1 ... a_t``, so in log space
(Heinsen 2023, arXiv:2311.06281)::

    a*_t = sum_{s<=t} log a_s                                 (a cumulative sum)
    h_t  = exp(a*_t) h_0 + exp(a*_t + logcumsumexp_{s<=t}(log b_s - a*_s))

two prefix operations, which a parallel machine computes in ``O(log T)`` steps. Here ``h_0``
may have any sign (its term is kept apart, not passed through a logarithm); ``b_t > 0``
is required, which ``g`` guarantees.

Conventions: inputs ``x`` are ``(B, T, D)`` (batch, time, features); the weights are one
kernel ``W`` ``(D, 2H)`` whose columns are ``[W_z | W_h]`` (gate first, then candidate) and
one bias ``b`` ``(2H,)`` ``= [b_z | b_h]``, the layout of :class:`MinGRU`'s weights; the
initial state ``h0`` is ``(B, H)``; every state is returned, ``(B, T, H)``.

Functions and classes: :func:`g` and :func:`log_g`; :func:`scan_sequential` and
:func:`scan_log` (the linear recurrence, step by step and in log space);
:func:`mingru_sequential` and :func:`mingru_parallel` (the layer's two forms in NumPy, in
float64 or float32); :class:`MinGRU` (a Keras layer, either form, in TensorFlow).

Wrong shapes raise :class:`ValueError` naming the expected and the actual shape.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from ._validate import expect_ndim, expect_shape, one_of, positive_int

__all__ = [
    "g",
    "log_g",
    "scan_sequential",
    "scan_log",
    "mingru_sequential",
    "mingru_parallel",
    "MinGRU",
]


def _float(name: str, a: Any, dtype) -> np.ndarray:
    try:
        return np.asarray(a, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a numeric array: {err}") from err


def _softplus(a: np.ndarray) -> np.ndarray:
    # log(1 + e^a) without overflow, in the dtype of a
    return np.logaddexp(0, a)


def g(a: Any) -> np.ndarray:
    """minGRU's candidate activation: ``a + 1/2`` for ``a >= 0``, ``sigmoid(a)`` for ``a < 0``.

    Continuous (both pieces equal 1/2 at 0), increasing and positive, so the candidate has a
    logarithm (:func:`log_g`). Feng et al. (2024), appendix, log-space version. Chapter 10,
    §"minGRU: a recurrence without the state in its gates".

    Args:
        a: pre-activations, any shape; float32 stays float32, anything else becomes float64.

    Returns:
        ``g(a)``, the shape of ``a``.
    """
    a = np.asarray(a)
    a = a if a.dtype == np.float32 else a.astype(np.float64)
    return np.where(a >= 0, np.maximum(a, 0) + 0.5, np.exp(-_softplus(-a)))


def log_g(a: Any) -> np.ndarray:
    """``log g(a)``, computed without forming ``g``: ``log(a + 1/2)`` for ``a >= 0``, and
    ``log sigmoid(a) = -softplus(-a)`` for ``a < 0`` (exact for very negative ``a``, where
    ``sigmoid(a)`` would underflow). Chapter 10, §"minGRU: a recurrence without the state in
    its gates".

    Args:
        a: pre-activations, any shape; float32 stays float32, anything else becomes float64.

    Returns:
        ``log g(a)``, the shape of ``a``.
    """
    a = np.asarray(a)
    a = a if a.dtype == np.float32 else a.astype(np.float64)
    return np.where(a >= 0, np.log(np.maximum(a, 0) + 0.5), -_softplus(-a))


def _scan_args(a_name, a, b_name, b, h0, dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b, h0 = _float(a_name, a, dtype), _float(b_name, b, dtype), _float("h0", h0, dtype)
    expect_ndim(a_name, a, 3, "(B, T, H)")
    expect_shape(b_name, b, a.shape, "(B, T, H)")
    expect_shape("h0", h0, (a.shape[0], a.shape[2]), "(B, H)")
    if a.shape[1] == 0:
        raise ValueError(f"{a_name} must have at least one time step, got shape {a.shape}")
    return a, b, h0


def scan_sequential(a: Any, b: Any, h0: Any, *, dtype="float64") -> np.ndarray:
    """The linear recurrence ``h_t = a_t * h_{t-1} + b_t``, one step after another.

    ``T`` steps of a Python loop, each two element-wise operations on ``(B, H)`` arrays: the
    sequential form, with a fixed cost per step whatever ``B`` and ``H``. Chapter 10,
    §"minGRU: a recurrence without the state in its gates" and §"When does the scan pay?".

    Args:
        a: coefficients ``(B, T, H)``.
        b: inputs ``(B, T, H)``.
        h0: initial state ``(B, H)``.
        dtype: ``"float64"`` or ``"float32"``, the precision of every operation.

    Returns:
        ``h`` ``(B, T, H)`` in ``dtype``: ``h[:, t]`` is the state after step ``t + 1``.

    Raises:
        ValueError: shapes that do not match (the message names expected and actual), no
            time step, or another ``dtype``.
    """
    dtype = one_of("dtype", dtype, ("float64", "float32"))
    a, b, h0 = _scan_args("a", a, "b", b, h0, dtype)
    a_t, b_t = np.moveaxis(a, 1, 0).copy(), np.moveaxis(b, 1, 0).copy()  # time-major
    h = np.empty_like(a_t)
    h_prev = h0
    for t in range(a_t.shape[0]):
        h_prev = a_t[t] * h_prev + b_t[t]
        h[t] = h_prev
    return np.moveaxis(h, 0, 1)


def scan_log(log_a: Any, log_b: Any, h0: Any, *, dtype="float64") -> np.ndarray:
    """The linear recurrence ``h_t = a_t * h_{t-1} + b_t`` for ``a_t, b_t > 0``, from
    ``log a_t`` and ``log b_t``, by two prefix operations over time (Heinsen 2023)::

        a*_t = cumsum_t log a_t
        h_t  = exp(a*_t) * h0 + exp(a*_t + logcumsumexp_t(log b_t - a*_t))

    No loop over ``t`` in Python: ``numpy.cumsum`` and ``numpy.logaddexp.accumulate`` run
    along the time axis (on one core here; a parallel machine computes each prefix in
    ``O(log T)`` steps). The term of ``h0`` is kept apart, so ``h0`` may be zero or negative
    (the paper's form, ``log h0`` prepended to ``log b``, needs ``h0 > 0``). ``a*_t`` grows
    like ``t`` in magnitude and ``h_t`` comes from the difference of two such numbers, so in
    float32 the error grows with ``T``. Chapter 10, §"minGRU: a recurrence without the state
    in its gates" and §"When does the scan pay?".

    Args:
        log_a: ``log a_t`` ``(B, T, H)`` (for minGRU ``log(1 - z_t) = -softplus(k_t)``).
        log_b: ``log b_t`` ``(B, T, H)`` (for minGRU ``log z_t + log g(.)``).
        h0: initial state ``(B, H)``, any real values.
        dtype: ``"float64"`` or ``"float32"``, the precision of every operation.

    Returns:
        ``h`` ``(B, T, H)`` in ``dtype``.

    Raises:
        ValueError: shapes that do not match, no time step, or another ``dtype``.
    """
    dtype = one_of("dtype", dtype, ("float64", "float32"))
    log_a, log_b, h0 = _scan_args("log_a", log_a, "log_b", log_b, h0, dtype)
    a_star = np.cumsum(log_a, axis=1)
    log_sum = np.logaddexp.accumulate(log_b - a_star, axis=1)
    return np.exp(a_star) * h0[:, None, :] + np.exp(a_star + log_sum)


def _layer_args(x, h0, W, b, dtype):
    dtype = one_of("dtype", dtype, ("float64", "float32"))
    x, W, b, h0 = (_float(n, v, dtype) for n, v in (("x", x), ("W", W), ("b", b), ("h0", h0)))
    expect_ndim("x", x, 3, "(batch, time, features) = (B, T, D)")
    B, T, D = x.shape
    if T == 0:
        raise ValueError(f"x must have at least one time step, got shape {x.shape}")
    if W.ndim != 2 or W.shape[0] != D or W.shape[1] % 2 or W.shape[1] == 0:
        raise ValueError(f"W must have shape (D, 2H) = ({D}, 2*H), got {W.shape}")
    H = W.shape[1] // 2
    expect_shape("b", b, (2 * H,), "(2H,)")
    expect_shape("h0", h0, (B, H), "(B, H)")
    pre = x @ W + b  # (B, T, 2H): [k | p], the gate's and the candidate's pre-activations
    return pre[..., :H], pre[..., H:], h0, dtype


def mingru_sequential(x: Any, h0: Any, W: Any, b: Any, *, dtype="float64") -> np.ndarray:
    """minGRU over a batch of sequences, step by step (the recurrent form).

    ``z_t = sigmoid(x_t W_z + b_z)``, ``h~_t = g(x_t W_h + b_h)`` for every step at once,
    then :func:`scan_sequential` with ``a_t = 1 - z_t`` and ``b_t = z_t * h~_t``. Chapter 10,
    §"minGRU: a recurrence without the state in its gates".

    Args:
        x: inputs ``(B, T, D)``.
        h0: initial state ``(B, H)``, any real values.
        W: kernel ``(D, 2H)``, columns ``[W_z | W_h]``.
        b: bias ``(2H,)``, ``[b_z | b_h]``.
        dtype: ``"float64"`` or ``"float32"``, the precision of every operation.

    Returns:
        every state ``h`` ``(B, T, H)`` in ``dtype``.

    Raises:
        ValueError: inconsistent shapes (the message names expected and actual), no time
            step, or another ``dtype``.
    """
    k, p, h0, dtype = _layer_args(x, h0, W, b, dtype)
    z = np.exp(-_softplus(-k))  # sigmoid(k), in the dtype of k
    return scan_sequential(1 - z, z * g(p), h0, dtype=dtype)


def mingru_parallel(x: Any, h0: Any, W: Any, b: Any, *, dtype="float64") -> np.ndarray:
    """minGRU over a batch of sequences, in log space by :func:`scan_log` (the parallel form).

    ``log a_t = log(1 - z_t) = -softplus(k_t)``, ``log b_t = log z_t + log g(p_t) =
    -softplus(-k_t) + log_g(p_t)`` with ``[k_t | p_t] = x_t W + b``. It computes the same
    states as :func:`mingru_sequential` (to round-off; in float32 the error grows with ``T``).
    Chapter 10, §"minGRU: a recurrence without the state in its gates".

    Args:
        x: inputs ``(B, T, D)``.
        h0: initial state ``(B, H)``, any real values.
        W: kernel ``(D, 2H)``, columns ``[W_z | W_h]``.
        b: bias ``(2H,)``, ``[b_z | b_h]``.
        dtype: ``"float64"`` or ``"float32"``, the precision of every operation.

    Returns:
        every state ``h`` ``(B, T, H)`` in ``dtype``.

    Raises:
        ValueError: inconsistent shapes, no time step, or another ``dtype``.
    """
    k, p, h0, dtype = _layer_args(x, h0, W, b, dtype)
    return scan_log(-_softplus(k), -_softplus(-k) + log_g(p), h0, dtype=dtype)


@keras.saving.register_keras_serializable(package="rnnbook")
class MinGRU(keras.layers.Layer):
    """minGRU as a Keras layer (TensorFlow backend): ``(B, T, D) -> (B, T, H)`` or ``(B, H)``.

    Its weights are ``kernel`` ``(D, 2H)`` (columns ``[W_z | W_h]``) and ``bias`` ``(2H,)``,
    the layout of :func:`mingru_sequential` and :func:`mingru_parallel`, so NumPy weights
    move in and out with ``set_weights``/``get_weights`` unchanged. Two forms of the same
    function:

    * ``mode="parallel"``: the log-space scan, ``tf.math.cumsum`` and
      ``tf.math.cumulative_logsumexp`` over the time axis (no loop);
    * ``mode="sequential"``: ``tf.scan`` over the steps, one step after another.

    The kernel starts Glorot-uniform; the gate's bias ``b_z`` starts at ``-log(u)`` with ``u``
    drawn uniformly from ``[1, T_max - 1]`` when ``chrono_T`` is given (so that
    ``1 - z_t = u / (1 + u)`` at zero input: time scales spread up to ``T_max`` steps, the
    chrono initialization of Tallec & Ollivier 2018), and at 0 otherwise; ``b_h`` starts at 0.
    Chapter 10, §"minGRU: a recurrence without the state in its gates".

    Args:
        units: ``H``, an integer ``>= 1``.
        mode: ``"parallel"`` or ``"sequential"``.
        return_sequences: return every state ``(B, T, H)``; otherwise the last ``(B, H)``.
        chrono_T: ``T_max`` of the chrono initialization of ``b_z`` (an integer ``>= 3``), or
            ``None``.
        seed: seed of the initializers (``None``: Keras's global seed).
        **kwargs: passed to ``keras.layers.Layer`` (``name``, ``dtype``, ...).

    Called as ``layer(inputs, initial_state=None)``: ``inputs`` float ``(B, T, D)``;
    ``initial_state`` ``(B, H)`` of any sign, or ``None`` for zeros.

    Raises:
        ValueError: ``units`` or ``chrono_T`` not an allowed integer, ``mode`` not one of
            the two; inputs not 3-D (at build time).
    """

    def __init__(
        self,
        units: int,
        mode: str = "parallel",
        return_sequences: bool = True,
        chrono_T: int | None = None,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = positive_int("units", units)
        self.mode = one_of("mode", mode, ("parallel", "sequential"))
        self.return_sequences = bool(return_sequences)
        self.chrono_T = None if chrono_T is None else positive_int("chrono_T", chrono_T, 3)
        self.seed = seed

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(
                f"inputs must have shape (batch, time, features) = (B, T, D), got {input_shape}"
            )
        H = self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], 2 * H),
            initializer=keras.initializers.GlorotUniform(seed=self.seed),
            name="kernel",
        )
        if self.chrono_T is None:
            b0 = np.zeros(2 * H)
        else:
            u = np.random.default_rng(self.seed).uniform(1, self.chrono_T - 1, size=H)
            b0 = np.concatenate([-np.log(u), np.zeros(H)])
        self.bias = self.add_weight(
            shape=(2 * H,), initializer=keras.initializers.Constant(b0), name="bias"
        )

    def call(self, inputs, initial_state=None):
        import tensorflow as tf

        H = self.units
        pre = tf.matmul(inputs, self.kernel) + self.bias  # (B, T, 2H)
        k, p = pre[..., :H], pre[..., H:]
        if initial_state is None:
            h0 = tf.zeros_like(pre[:, 0, :H])
        else:
            h0 = tf.cast(initial_state, pre.dtype)
        if self.mode == "parallel":
            log_a = -tf.nn.softplus(k)  # log(1 - z_t)
            log_g = tf.where(p >= 0, tf.math.log(tf.nn.relu(p) + 0.5), -tf.nn.softplus(-p))
            log_b = -tf.nn.softplus(-k) + log_g  # log z_t + log g(p_t)
            a_star = tf.math.cumsum(log_a, axis=1)
            log_sum = tf.math.cumulative_logsumexp(log_b - a_star, axis=1)
            h = tf.exp(a_star) * h0[:, None, :] + tf.exp(a_star + log_sum)
        else:
            z = tf.sigmoid(k)
            cand = tf.where(p >= 0, tf.nn.relu(p) + 0.5, tf.sigmoid(p))
            a = tf.transpose(1 - z, [1, 0, 2])  # time-major for tf.scan
            b = tf.transpose(z * cand, [1, 0, 2])
            h = tf.transpose(
                tf.scan(lambda h_prev, ab: ab[0] * h_prev + ab[1], (a, b), initializer=h0),
                [1, 0, 2],
            )
        return h if self.return_sequences else h[:, -1]

    def compute_output_shape(self, input_shape):
        if self.return_sequences:
            return (input_shape[0], input_shape[1], self.units)
        return (input_shape[0], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "mode": self.mode,
            "return_sequences": self.return_sequences,
            "chrono_T": self.chrono_T,
            "seed": self.seed,
        }
