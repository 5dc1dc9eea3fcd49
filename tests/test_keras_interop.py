import rnnbook  # noqa: F401
from rnnbook.keras_interop import keras_rnn_states, make_keras_rnn

import numpy as np
import pytest


@pytest.mark.parametrize("cell,k,bias", [("rnn", 1, (5,)), ("lstm", 4, (20,)), ("gru", 3, (2, 15))])
def test_layer_carries_exactly_the_given_weights(cell, k, bias):
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(3, k * 5)), rng.normal(size=(5, k * 5)), rng.normal(size=bias)]
    layer = make_keras_rnn(cell, weights, dtype="float64")
    for got, want in zip(layer.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
    h = keras_rnn_states(
        layer, rng.normal(size=(2, 4, 3)), [np.zeros((2, 5))] * (2 if cell == "lstm" else 1)
    )
    assert h.shape == (2, 4, 5) and h.dtype == np.float64


def test_gru_is_reset_after():
    layer = make_keras_rnn("gru", [np.zeros((2, 6)), np.zeros((2, 6)), np.zeros((2, 6))])
    assert layer.cell.reset_after is True


def test_wrong_weights_are_refused():
    with pytest.raises(ValueError, match=r"cell must be one of"):
        make_keras_rnn("elman", [np.zeros((2, 2))])
    with pytest.raises(ValueError, match=r"first weight must have shape \(D, 4H\), got \(3, 6\)"):
        make_keras_rnn("lstm", [np.zeros((3, 6)), np.zeros((1, 6)), np.zeros(6)])
    with pytest.raises(
        ValueError,
        match=r"GRU weights must have shapes \[\(3, 6\), \(2, 6\), \(2, 6\)\], "
        r"got \[\(3, 6\), \(2, 6\), \(6,\)\]",
    ):
        make_keras_rnn("gru", [np.zeros((3, 6)), np.zeros((2, 6)), np.zeros(6)])


@pytest.mark.parametrize("cell,k", [("rnn", 1), ("lstm", 4), ("gru", 3)])
def test_layers_have_the_activations_of_the_numpy_cells(cell, k):
    """make_keras_rnn builds Keras's defaults only: tanh state/candidate, sigmoid gates."""
    import keras

    weights = [
        np.zeros((2, k * 3)),
        np.zeros((3, k * 3)),
        np.zeros((2, 9) if cell == "gru" else k * 3),
    ]
    layer = make_keras_rnn(cell, weights)
    assert layer.cell.activation is keras.activations.tanh
    if cell != "rnn":
        assert layer.cell.recurrent_activation is keras.activations.sigmoid


def test_keras_rnn_states_names_wrong_shapes():
    layer = make_keras_rnn("rnn", [np.zeros((2, 3)), np.zeros((3, 3)), np.zeros(3)])
    with pytest.raises(ValueError, match=r"x must have shape \(B, T, D\), got \(4, 2\)"):
        keras_rnn_states(layer, np.zeros((4, 2)), [np.zeros((4, 3))])
    with pytest.raises(
        ValueError, match=r"initial_state\[0\] must have shape \(B, H\) = \(4, 3\), got \(4, 2\)"
    ):
        keras_rnn_states(layer, np.zeros((4, 5, 2)), [np.zeros((4, 2))])
    with pytest.raises(ValueError, match="needs 3 weights"):
        make_keras_rnn("lstm", [])
