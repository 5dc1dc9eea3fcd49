"""Moving weights between the NumPy cells of :mod:`rnnbook.scratch` and Keras layers.

No transposes are needed: the book uses row vectors (``x_t @ W``), as Keras does. What
differs between the cells is only the list ``layer.get_weights()`` returns:

============  ==========================================  ===========================
layer         ``get_weights()``                           gate order of the columns
============  ==========================================  ===========================
SimpleRNN     ``[W_xh (D,H), W_hh (H,H), b_h (H,)]``      --
LSTM          ``[W (D,4H), U (H,4H), b (4H,)]``           i, f, c (= g), o
GRU           ``[W (D,3H), U (H,3H), b (2,3H)]``          z, r, h  (``reset_after=True``)
============  ==========================================  ===========================

so ``rnnbook.scratch.rnn_forward(x, h0, *layer.get_weights())`` runs a trained Keras layer
in NumPy. This table is the one statement of the gate orders in the library; the NumPy cells
of :mod:`rnnbook.scratch` follow it. The GRU's bias has two rows because Keras's default
``reset_after=True`` applies the reset gate after the recurrent product, which needs a
separate recurrent bias (row 0: input bias, row 1: recurrent bias).

Chapter 2, §"The cell in NumPy, step by step" (NumPy equals Keras), and chapter 3, §"The same
gradients from TensorFlow"; chapter 7, §"The LSTM cell" and §"The GRU cell", for the gated
cells (and §"What a step costs" counts their parameters from the blocks in :data:`CELLS`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validate import expect_ndim, expect_shape, one_of

__all__ = ["CELLS", "make_keras_rnn", "keras_rnn_states"]

#: cell name -> (Keras layer class name, number of gate blocks in the weight columns)
CELLS: dict[str, tuple[str, int]] = {
    "rnn": ("SimpleRNN", 1),
    "lstm": ("LSTM", 4),
    "gru": ("GRU", 3),
}


def make_keras_rnn(cell: str, weights: Sequence[np.ndarray], dtype: str = "float32"):
    """A Keras recurrent layer returning every hidden state, loaded with the given weights.

    The layer has Keras's default activations and no others: ``tanh`` for the state of
    ``SimpleRNN`` and for the candidate of ``LSTM`` and ``GRU``, the logistic sigmoid for their
    gates. Those are the cells :mod:`rnnbook.scratch` implements (``rnn_forward``,
    ``lstm_forward``, ``gru_forward``), so the two can be compared with the same weights; a
    ReLU ``SimpleRNN``, say, has to be built with Keras directly. Chapter 2, §"The cell in
    NumPy, step by step"; chapter 3, §"The same gradients from TensorFlow".

    Args:
        cell: ``"rnn"`` (``SimpleRNN``), ``"lstm"`` (``LSTM``) or ``"gru"`` (``GRU`` with
            ``reset_after=True``).
        weights: the NumPy weights in Keras layout (table above); the sizes ``D`` and ``H``
            are read from the first array ``(D, k*H)``, ``k`` the number of gate blocks.
        dtype: the layer's dtype, ``"float32"`` (Keras's default) or ``"float64"``.

    Returns:
        A built ``keras.layers.SimpleRNN``/``LSTM``/``GRU`` with ``return_sequences=True``,
        holding exactly ``weights`` (converted to ``dtype``).

    Raises:
        ValueError: unknown cell, or weights whose number or shapes do not match the cell.
    """
    import keras

    name, k = CELLS[one_of("cell", cell, sorted(CELLS))]
    if len(weights) == 0:
        raise ValueError(f"{name} needs 3 weights (kernel, recurrent kernel, bias), got none")
    kernel = np.asarray(weights[0])
    if kernel.ndim != 2 or kernel.shape[1] % k:
        raise ValueError(f"first weight must have shape (D, {k}H), got {kernel.shape}")
    D, H = kernel.shape[0], kernel.shape[1] // k
    kwargs = {"reset_after": True} if cell == "gru" else {}
    layer = getattr(keras.layers, name)(H, return_sequences=True, dtype=dtype, **kwargs)
    layer.build((None, None, D))
    expected = [tuple(w.shape) for w in layer.get_weights()]
    actual = [tuple(np.shape(w)) for w in weights]
    if expected != actual:
        raise ValueError(f"{name} weights must have shapes {expected}, got {actual}")
    layer.set_weights([np.asarray(w) for w in weights])
    return layer


def keras_rnn_states(layer, x: np.ndarray, initial_state: Sequence[np.ndarray]) -> np.ndarray:
    """Every hidden state of a Keras recurrent layer, as NumPy.

    Chapter 2, §"The cell in NumPy, step by step".

    Args:
        layer: a layer from :func:`make_keras_rnn` (``return_sequences=True``).
        x: ``(B, T, D)`` inputs (converted to the layer's dtype).
        initial_state: ``[h0]`` for SimpleRNN and GRU, ``[h0, c0]`` for LSTM, each ``(B, H)``.

    Returns:
        ``(B, T, H)`` array in the layer's dtype.

    Raises:
        ValueError: ``x`` is not 3-D, or a state is not ``(B, H)``.
    """
    dtype = layer.dtype
    x = np.asarray(x, dtype=dtype)
    expect_ndim("x", x, 3, "(B, T, D)")
    states = [np.asarray(s, dtype=dtype) for s in initial_state]
    for i, s in enumerate(states):
        expect_shape(f"initial_state[{i}]", s, (x.shape[0], layer.units), "(B, H)")
    return np.asarray(layer(x, initial_state=states))
