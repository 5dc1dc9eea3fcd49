"""The book's NumPy cells against Keras: forward + backward time for the same shapes, one run.

    python benchmarks/numpy_vs_keras.py [--repeats 7] [--out benchmarks/results/numpy_vs_keras.md]

For each cell (``rnn`` = Elman/SimpleRNN, ``lstm``, ``gru``) and each shape, one training
step's recurrent work is timed three ways on the same inputs and weights:

* **NumPy**: :func:`rnnbook.scratch.X_forward` then :func:`rnnbook.scratch.X_backward`
  (float64; the input projections of all steps are one matrix product, the recurrence a
  Python loop over ``T``);
* **Keras float64** and **Keras float32**: the layer's forward pass and its gradients with
  respect to the weights and the input, under ``tf.GradientTape`` in a traced
  ``tf.function`` (TensorFlow on the CPU).

The three are interleaved within each repeat, so they see the same machine load; the median
over repeats is reported, with the ratio NumPy / Keras float64 (like for like: same dtype,
same arithmetic). NumPy runs its matrix products on one thread (``import rnnbook`` sets
``OPENBLAS_NUM_THREADS=1``, chapter 3's reproducibility) while TensorFlow uses every core,
so on a many-core machine the ratio favours Keras. The loss is ``sum(h * R)`` for a fixed
random ``R``, so ``dh = R``.

Results are machine-dependent: the ratios are what to read, never assert them in a test.
With ``--out`` the table is also written as Markdown, which the book's appendix
"Benchmarks" includes (``chapters/appendix_benchmarks.md``): rerun this script and commit
the file to update the page; nothing in it is typed by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import rnnbook  # before TensorFlow: log level, thread settings
from rnnbook import scratch
from rnnbook.keras_interop import make_keras_rnn

import keras
import numpy as np
import tensorflow as tf

SHAPES = ((32, 50, 16, 32), (32, 100, 32, 64), (64, 100, 64, 128))  # (B, T, D, H)
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def numpy_weights(cell: str, D: int, H: int, rng: np.random.Generator) -> list[np.ndarray]:
    k = GATES[cell]
    W = rng.normal(0, 1 / np.sqrt(D), (D, k * H))
    U = rng.normal(0, 1 / np.sqrt(H), (H, k * H))
    b = rng.normal(0, 0.1, (2, k * H) if cell == "gru" else (k * H,))
    return [W, U, b]


def numpy_step(cell: str, x, weights, dh):
    B, H = x.shape[0], weights[1].shape[0]
    h0 = np.zeros((B, H))
    if cell == "lstm":
        _, cache = scratch.lstm_forward(x, h0, np.zeros((B, H)), *weights)
        return scratch.lstm_backward(dh, cache)
    fwd, bwd = {"rnn": (scratch.rnn_forward, scratch.rnn_backward)}.get(
        cell, (scratch.gru_forward, scratch.gru_backward)
    )
    _, cache = fwd(x, h0, *weights)
    return bwd(dh, cache)


def keras_step(cell: str, weights, dtype: str):
    layer = make_keras_rnn(cell, [w.astype(dtype) for w in weights], dtype=dtype)

    @tf.function
    def step(x, dh):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x) * dh)
        return tape.gradient(loss, [x, *layer.trainable_weights])

    return step


def measure(repeats: int) -> list[dict]:
    rng = np.random.default_rng(0)
    rows = []
    for B, T, D, H in SHAPES:
        for cell in GATES:
            weights = numpy_weights(cell, D, H, rng)
            x = rng.normal(size=(B, T, D))
            dh = rng.normal(size=(B, T, H))
            runs = {"numpy": lambda c=cell, w=weights, a=x, g=dh: numpy_step(c, a, w, g)}
            for dtype in ("float64", "float32"):
                step = keras_step(cell, weights, dtype)
                xt, dht = tf.constant(x.astype(dtype)), tf.constant(dh.astype(dtype))
                step(xt, dht)  # trace and warm up
                runs[f"keras_{dtype}"] = lambda s=step, a=xt, g=dht: s(a, g)
            runs["numpy"]()  # warm up
            times = {k: [] for k in runs}
            for _ in range(repeats):
                for name, fn in runs.items():
                    t0 = time.perf_counter()
                    fn()
                    times[name].append(time.perf_counter() - t0)
            med = {k: float(np.median(v)) for k, v in times.items()}
            rows.append({"cell": cell, "B": B, "T": T, "D": D, "H": H, **med})
            print(
                f"{cell:4s} B={B:3d} T={T:3d} D={D:3d} H={H:3d}  numpy {1e3 * med['numpy']:8.1f} ms"
                f"  keras f64 {1e3 * med['keras_float64']:8.1f} ms"
                f"  keras f32 {1e3 * med['keras_float32']:8.1f} ms"
                f"  numpy/keras(f64) {med['numpy'] / med['keras_float64']:5.2f}",
                flush=True,
            )
    return rows


def cpu_model() -> str:
    """The CPU's model name (Linux ``/proc/cpuinfo``), else what :mod:`platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def markdown(rows: list[dict], repeats: int) -> str:
    names = {"rnn": "Elman (SimpleRNN)", "lstm": "LSTM", "gru": "GRU"}
    lines = [
        "<!-- generated by benchmarks/numpy_vs_keras.py: do not edit by hand -->",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {cpu_model()}"
        f" ({os.cpu_count()} cores), Python {platform.python_version()}, NumPy {np.__version__},"
        f" TensorFlow {tf.__version__}, Keras {keras.__version__}; median of {repeats} interleaved"
        " repeats of one forward and backward pass (milliseconds). NumPy's BLAS runs on one"
        f" thread (OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, set by"
        " `import rnnbook` for reproducible sums); TensorFlow uses every core.",
        "",
        "| cell | B | T | D | H | NumPy float64 | Keras float64 | Keras float32 "
        "| NumPy / Keras float64 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {names[r['cell']]} | {r['B']} | {r['T']} | {r['D']} | {r['H']} "
            f"| {1e3 * r['numpy']:.1f} | {1e3 * r['keras_float64']:.1f} "
            f"| {1e3 * r['keras_float32']:.1f} | {r['numpy'] / r['keras_float64']:.2f} |"
        )
    ratio = [r["numpy"] / r["keras_float64"] for r in rows]
    worst, best = int(np.argmax(ratio)), int(np.argmin(ratio))
    largest = SHAPES[-1]
    f32 = {
        r["cell"]: r["keras_float64"] / r["keras_float32"]
        for r in rows
        if (r["B"], r["T"], r["D"], r["H"]) == largest
    }
    lines += [
        "",
        f"Summary (computed by the script): NumPy takes between {ratio[best]:.2f}x "
        f"({names[rows[best]['cell']]}, H = {rows[best]['H']}) and {ratio[worst]:.2f}x "
        f"({names[rows[worst]['cell']]}, H = {rows[worst]['H']}) the time of Keras in float64, "
        f"so it is {'within' if ratio[worst] <= 2 else 'not within'} a factor of 2 everywhere "
        "measured. At the largest shape, Keras in float64 takes "
        + ", ".join(f"{v:.1f}x ({names[c]})" for c, v in f32.items())
        + " the time of Keras in float32.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--out", type=Path, help="also write the table as Markdown here")
    args = ap.parse_args()
    rnnbook.set_seed(0)
    # one traced step per configuration is the design here, not an accident: TensorFlow's
    # "frequent retracing" warning would count them across configurations
    tf.get_logger().setLevel("ERROR")
    rows = measure(args.repeats)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(rows, args.repeats), encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
