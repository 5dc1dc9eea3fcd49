"""rnnbook: the helper library of the book *Recurrent Neural Networks from the Mathematics Up*.

Import it **before** TensorFlow or Keras. Importing ``rnnbook`` sets, unless you have set them
yourself:

* ``TF_CPP_MIN_LOG_LEVEL=1``: TensorFlow's C++ logger drops INFO records (the start-up line
  about CPU instruction sets), keeping warnings and errors;
* ``KERAS_BACKEND=tensorflow``: the book's Keras code runs on TensorFlow.

Modules (each chapter says which it uses):

* :mod:`rnnbook.scratch`: NumPy forward/backward passes of the Elman RNN, LSTM and GRU;
* :mod:`rnnbook.gradcheck`: central-difference gradients and the relative error;
* :mod:`rnnbook.datasets`: checked, cached loaders of the book's real data sets;
* :mod:`rnnbook.tasks`: seeded synthetic tasks (adding problem, copy task);
* :mod:`rnnbook.keras_interop`: moving weights between NumPy and Keras layers;
* :mod:`rnnbook.dynamics`: state Jacobians, their products, gradient clipping (chapter 4);
* :mod:`rnnbook.timeseries`: windows, chronological splits, baselines (chapter 5);
* :mod:`rnnbook.plotting`: the book's plotting style and shared plots.
"""

from __future__ import annotations

import os
import random

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402

__version__ = "0.1.0"
__all__ = ["set_seed", "__version__"]


def set_seed(seed: int = 0, *, deterministic_ops: bool = True) -> None:
    """Seed every random number generator the book uses, and make TensorFlow deterministic.

    Seeds Python's :mod:`random`, NumPy's global generator and Keras/TensorFlow (through
    :func:`keras.utils.set_random_seed`), and, when ``deterministic_ops`` is true, turns on
    :func:`tf.config.experimental.enable_op_determinism`, so a training run repeats to the
    last bit on the same machine and library versions (CPU kernels; different CPUs may still
    differ in the last bits of float32 results).

    Args:
        seed: non-negative integer below 2**32.
        deterministic_ops: also request deterministic TensorFlow kernels (slower on GPU,
            free on CPU).

    Raises:
        ValueError: ``seed`` is not an integer in [0, 2**32).
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an integer, got {type(seed).__name__}")
    if not 0 <= int(seed) < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    import keras  # imported here so that `import rnnbook` stays light

    keras.utils.set_random_seed(seed)
    if deterministic_ops and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
