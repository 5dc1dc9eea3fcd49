"""rnnbook: the helper library of the book *Recurrent Neural Networks from the Mathematics Up*.

Import it **before** TensorFlow or Keras. Importing ``rnnbook`` sets, unless you have set them
yourself:

* ``TF_CPP_MIN_LOG_LEVEL=1``: TensorFlow's C++ logger drops INFO records (the start-up line
  about CPU instruction sets), keeping warnings and errors;
* ``TF_ENABLE_ONEDNN_OPTS=0``: TensorFlow uses its default CPU kernels, not oneDNN's custom
  operations. TensorFlow turns those on by default on CPUs with AVX-512 (AMD Zen 4, recent
  Intel Xeon) and then announces it on stderr whatever the log level, so the book's pages
  would carry stderr output on those machines only; and oneDNN's kernels sum in another
  order, so results would differ in the last bits from one CPU to another. With the default
  kernels every x86-64 CPU runs the same TensorFlow kernels;
* ``KERAS_BACKEND=tensorflow``: the book's Keras code runs on TensorFlow;
* ``OPENBLAS_NUM_THREADS=1`` and ``MKL_NUM_THREADS=1``: NumPy's matrix products run on one
  thread. A multi-threaded BLAS splits a product differently for each thread count, so the
  last bits of the from-scratch chapters' float64 results (and every number trained from
  them) would depend on how many cores the reader has; the book's matrices are small, and
  one thread is also the fastest for them when other work shares the cores.

These must be set before TensorFlow (or NumPy) is first imported, hence "import rnnbook
first". To choose
otherwise, set the variable yourself before importing ``rnnbook`` (e.g.
``TF_ENABLE_ONEDNN_OPTS=1``); the book then runs, but a page may show TensorFlow's log lines.

Modules (each chapter says which it uses):

* :mod:`rnnbook.scratch`: NumPy forward/backward passes of the Elman RNN, LSTM and GRU;
* :mod:`rnnbook.gradcheck`: central-difference gradients and the relative error;
* :mod:`rnnbook.datasets`: checked, cached loaders of the book's real data sets;
* :mod:`rnnbook.tasks`: seeded synthetic tasks (adding problem, copy task);
* :mod:`rnnbook.keras_interop`: moving weights between NumPy and Keras layers;
* :mod:`rnnbook.optim`: gradient norms, clipping and the cosine between steps (chapters 3-4);
* :mod:`rnnbook.dynamics`: state Jacobians, their products, spectral radius (chapter 4);
* :mod:`rnnbook.timeseries`: windows, chronological splits, baselines (chapter 5);
* :mod:`rnnbook.text`: token ids, masked pooling, early stopping on dev, seed ensembles
  (chapter 6);
* :mod:`rnnbook.sequences`: batches of similar length, padded fractions, early stopping on
  validation cross-entropy (chapter 8);
* :mod:`rnnbook.lm`: character vocabularies, batches for truncated BPTT across batches,
  n-gram baselines (chapter 9);
* :mod:`rnnbook.mingru`: the minGRU, sequential and as a log-space parallel scan, and a Keras
  layer (chapter 10);
* :mod:`rnnbook.speed`: timings measured side by side, interleaved (chapter 12);
* :mod:`rnnbook.plotting`: the book's plotting style and shared plots;
* :mod:`rnnbook.book`: :func:`~rnnbook.book.glue`, the one way a chapter hands a number to its
  prose.
"""

from __future__ import annotations

import os
import random

#: Environment variables that ``import rnnbook`` sets unless they are set already.
ENVIRONMENT: dict[str, str] = {
    "TF_CPP_MIN_LOG_LEVEL": "1",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
for _name, _value in ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)

import numpy as np  # noqa: E402

__version__ = "0.1.0"
from .book import glue  # noqa: E402

__all__ = ["set_seed", "glue", "ENVIRONMENT", "__version__"]


def set_seed(seed: int = 0, *, deterministic_ops: bool = True) -> None:
    """Seed every random number generator the book uses, and make TensorFlow deterministic.

    Seeds Python's :mod:`random`, NumPy's global generator and Keras/TensorFlow (through
    :func:`keras.utils.set_random_seed`), and, when ``deterministic_ops`` is true, turns on
    :func:`tf.config.experimental.enable_op_determinism`, so a training run repeats to the
    last bit on the same machine and library versions (CPU kernels; different CPUs may still
    differ in the last bits of float32 results). Every chapter calls it in its first code
    cell (CONTRIBUTING.md, "Shape").

    Args:
        seed: non-negative integer below 2**32.
        deterministic_ops: if true, request deterministic TensorFlow kernels (slower on GPU,
            free on CPU); if false, turn that request off again (TensorFlow's default).

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
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        if deterministic_ops:
            tf.config.experimental.enable_op_determinism()
        else:
            # TensorFlow 2.21 has no public call to undo enable_op_determinism.
            from tensorflow.python.framework import config as _tf_config

            _tf_config.disable_op_determinism()
