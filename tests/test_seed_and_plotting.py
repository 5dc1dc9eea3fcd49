import random

import rnnbook

import numpy as np
import pytest


def _draws():
    import keras

    return (
        random.random(),
        np.random.rand(),
        float(keras.random.uniform(())),
        np.asarray(keras.layers.Dense(3, kernel_initializer="glorot_uniform")(np.ones((1, 2)))),
    )


def test_set_seed_makes_python_numpy_and_keras_repeat():
    rnnbook.set_seed(123)
    a = _draws()
    rnnbook.set_seed(123)
    b = _draws()
    rnnbook.set_seed(124)
    c = _draws()
    assert a[:3] == b[:3]
    np.testing.assert_array_equal(a[3], b[3])
    assert a[:3] != c[:3]


def test_set_seed_turns_on_op_determinism():
    from tensorflow.python.framework import config  # no public getter in TF 2.21

    rnnbook.set_seed(0)
    assert config.is_op_determinism_enabled()


def test_two_seeded_training_runs_are_identical():
    import keras

    def train():
        rnnbook.set_seed(7)
        x = np.random.rand(64, 6, 3).astype("float32")
        y = np.random.rand(64, 1).astype("float32")
        model = keras.Sequential(
            [keras.Input((6, 3)), keras.layers.SimpleRNN(5), keras.layers.Dense(1)]
        )
        model.compile("adam", "mse")
        model.fit(x, y, epochs=2, batch_size=16, verbose=0)  # shuffles: seeded too
        return model.get_weights()

    for a, b in zip(train(), train()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, "0", True])
def test_set_seed_rejects_bad_seeds(bad):
    with pytest.raises(ValueError):
        rnnbook.set_seed(bad)


def test_plot_helpers_draw_what_they_are_given():
    import matplotlib

    matplotlib.use("Agg")
    from rnnbook import plotting as rp

    fig, axes = rp.subplots(2, 2)
    ax = rp.plot_history({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2]}, ax=axes[0, 0], logy=True)
    assert [len(line.get_xdata()) for line in ax.lines] == [3, 3]
    assert ax.get_yscale() == "log"
    rp.plot_heatmap(np.zeros((4, 10)), ax=axes[0, 1])
    assert axes[0, 1].images[0].get_array().shape == (4, 10)
    rp.plot_confusion_matrix(np.array([[5, 1], [2, 7]]), ["a", "b"], ax=axes[1, 0])
    assert [t.get_text() for t in axes[1, 0].texts] == ["5", "1", "2", "7"]
    rp.plot_series(np.arange(5), np.arange(5) ** 2, ax=axes[1, 1], label="sq")
    np.testing.assert_array_equal(axes[1, 1].lines[0].get_ydata(), [0, 1, 4, 9, 16])
    with pytest.raises(KeyError, match="accuracy"):
        rp.plot_history({"loss": [1]}, "accuracy")
    with pytest.raises(ValueError, match=r"cm must have shape \(K, K\) = \(3, 3\), got \(2, 2\)"):
        rp.plot_confusion_matrix(np.eye(2), ["a", "b", "c"])
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_plot_text_activations_colours_one_cell_per_character():
    import matplotlib

    matplotlib.use("Agg")
    from rnnbook import plotting as rp

    import matplotlib.pyplot as plt

    fig, ax = rp.subplots()
    text = "ab\ncd"
    values = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    rp.plot_text_activations(ax, text, values, ncols=4)
    image = ax.images[0].get_array()
    assert image.shape == (2, 4)  # the line break ends row 0
    assert image[0, 0] == -1.0 and image[0, 2] == 0.5 and image[1, 1] == 2.0
    assert image.mask[0, 3] and image.mask[1, 2]  # no character there
    assert [t.get_text() for t in ax.texts] == ["a", "b", "↵", "c", "d"]
    with pytest.raises(ValueError, match=r"values must have shape \(n,\) = \(5,\), got \(4,\)"):
        rp.plot_text_activations(ax, text, values[:4])
    plt.close(fig)


def test_style_is_applied_on_import():
    from rnnbook import plotting as rp

    import matplotlib.pyplot as plt

    plt.rcdefaults()
    rp.use_style()
    assert plt.rcParams["axes.spines.top"] is False
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"][0] == rp.COLORS[0]
