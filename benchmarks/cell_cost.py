"""Cost per step of SimpleRNN, GRU and LSTM layers of the same width, measured side by side.

    .venv/bin/python benchmarks/cell_cost.py [--units 128] [--time 100] [--batch 64] [--repeats 5]

The source article claims that LSTMs "train relatively faster" than plain RNNs. Per step an
LSTM does four matrix products where the Elman cell does one (GRU: three), so it should cost
about 4x (3x) as much. This script measures forward + backward time of one batch for the three
Keras layers (TensorFlow, CPU), interleaving the layers in an order that rotates from repeat
to repeat (``rnnbook.speed.interleaved_times``) so that they see the same machine load, and
prints medians and ratios to SimpleRNN. Not a test: timings depend
on the machine; the ratios are what to read.
"""

from __future__ import annotations

import argparse

import rnnbook  # noqa: F401  (log level before TensorFlow)
from rnnbook.speed import interleaved_times

import keras  # noqa: E402
import numpy as np
import tensorflow as tf  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=128)
    ap.add_argument("--time", type=int, default=100)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--features", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    rnnbook.set_seed(0)
    x = tf.constant(np.random.rand(args.batch, args.time, args.features).astype("float32"))
    layers = {
        "SimpleRNN": keras.layers.SimpleRNN(args.units),
        "GRU": keras.layers.GRU(args.units),
        "LSTM": keras.layers.LSTM(args.units),
    }
    steps = {}
    for name, layer in layers.items():
        layer.build((None, args.time, args.features))

        @tf.function
        def step(x, layer=layer):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(layer(x) ** 2)
            return tape.gradient(loss, layer.trainable_weights)

        steps[name] = lambda step=step: [g.numpy() for g in step(x)]  # done when it returns
    # the first call of each traces it (untimed); then the layers take turns, rotating order
    times = interleaved_times(steps, args.repeats, warmup=2)
    base = np.median(times["SimpleRNN"])
    print(
        f"B={args.batch} T={args.time} D={args.features} H={args.units}, "
        f"median of {args.repeats}, forward+backward"
    )
    print(f"{'layer':10s} {'params':>8s} {'ms':>8s} {'ratio':>6s}")
    for name, layer in layers.items():
        med = np.median(times[name])
        print(f"{name:10s} {layer.count_params():8d} {1e3 * med:8.1f} {med / base:6.2f}")


if __name__ == "__main__":
    main()
