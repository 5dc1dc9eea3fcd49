"""minGRU's two forms against each other: the step-by-step loop and the log-space scan.

    .venv/bin/python benchmarks/mingru_scan.py [--repeats 5] [--max-elements 4194304]
        [--out benchmarks/results/mingru_scan.md]

For each sequence length ``T`` and each work per step ``B x H`` (batch x units) the same layer
is timed in its two forms, on the same inputs and weights (one input feature, so that the
time is the recurrence's, not the input projection's):

* **NumPy** (forward only, float32): :func:`rnnbook.mingru.mingru_sequential` (a Python loop
  over ``T``) against :func:`rnnbook.mingru.mingru_parallel` (``numpy.cumsum`` and
  ``numpy.logaddexp.accumulate`` over the time axis);
* **Keras** (forward and backward, float32): :class:`rnnbook.mingru.MinGRU` with
  ``mode="sequential"`` (``tf.scan``) against ``mode="parallel"`` (``tf.math.cumsum`` and
  ``tf.math.cumulative_logsumexp``), the gradients with respect to the input and the weights
  under ``tf.GradientTape`` in a traced ``tf.function``, as in training.

The two forms are interleaved within each repeat, so they see the same machine load; the
median over repeats is reported, with the ratio sequential / parallel (above 1, the scan is
faster). Chapter 10, §"When does the scan pay?", measures a few of these points and explains
the crossover: the loop pays a fixed cost per step, the scan more arithmetic per element.
Configurations with ``T x B x H`` above ``--max-elements`` are skipped (they take seconds
each on a laptop CPU).

Results are machine-dependent, and on a machine shared with other work they are noisier:
the load average before and after the run is printed, and written into the Markdown.
Never assert them in a test. With ``--out`` the table is also written as Markdown, which
the book's appendix "Benchmarks" includes (``chapters/appendix_benchmarks.md``): rerun this
script on a quiet machine and commit the file to update the page; nothing in it is typed by
hand.
"""

from __future__ import annotations

import argparse
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

import rnnbook  # before TensorFlow: log level, thread settings
from rnnbook import mingru as mg

import keras
import numpy as np
import tensorflow as tf
from _common import cpu_model, interleaved_medians

TS = (64, 512, 4096)
SIZES = ((1, 8), (8, 32), (64, 32), (64, 128))  # (B, H)


def keras_step(mode: str, W: np.ndarray, b: np.ndarray):
    layer = mg.MinGRU(W.shape[1] // 2, mode=mode)
    layer.build((None, None, W.shape[0]))
    layer.set_weights([W.astype("float32"), b.astype("float32")])

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x))
        return tape.gradient(loss, [x, *layer.trainable_weights])

    return step


def measure(repeats: int, max_elements: int) -> list[dict]:
    rng = np.random.default_rng(0)
    rows = []
    for B, H in SIZES:
        W = rng.normal(0, 1, size=(1, 2 * H))
        b = rng.normal(0, 0.5, size=2 * H)
        steps = {mode: keras_step(mode, W, b) for mode in ("sequential", "parallel")}
        for T in TS:
            if T * B * H > max_elements:
                continue
            x = rng.normal(size=(B, T, 1)).astype(np.float32)
            h0 = np.zeros((B, H), np.float32)
            xt = tf.constant(x)
            forms = {"sequential": mg.mingru_sequential, "parallel": mg.mingru_parallel}
            numpy = interleaved_medians(
                {
                    m: (lambda f=f, a=(x, h0, W, b): f(*a, dtype="float32"))
                    for m, f in forms.items()
                },
                repeats,
            )
            tfk = interleaved_medians(
                {m: (lambda s=s, a=xt: [g.numpy() for g in s(a)]) for m, s in steps.items()},
                repeats,
            )
            for impl, med in (("NumPy", numpy), ("Keras", tfk)):
                rows.append({"impl": impl, "B": B, "H": H, "T": T, **med})
                print(
                    f"{impl:5s} B={B:3d} H={H:4d} T={T:5d}"
                    f"  sequential {1e3 * med['sequential']:9.2f} ms"
                    f"  parallel {1e3 * med['parallel']:9.2f} ms"
                    f"  ratio {med['sequential'] / med['parallel']:6.2f}",
                    flush=True,
                )
    return rows


def crossover(rows: list[dict], impl: str, T: int) -> str:
    """Where sequential / parallel crosses 1 against B x H at length T (log-interpolated)."""
    pts = sorted(
        (r["B"] * r["H"], r["sequential"] / r["parallel"])
        for r in rows
        if r["impl"] == impl and r["T"] == T
    )
    for (w0, s0), (w1, s1) in zip(pts, pts[1:]):
        if (s0 - 1) * (s1 - 1) <= 0 and s0 != s1:
            lw0, lw1, ls0, ls1 = np.log(w0), np.log(w1), np.log(s0), np.log(s1)
            return f"near B x H = {np.exp(lw0 - ls0 * (lw1 - lw0) / (ls1 - ls0)):.0f}"
    if pts and all(s > 1 for _, s in pts):
        return f"not within B x H <= {pts[-1][0]} (the scan is faster at every size)"
    return (
        f"not within B x H >= {pts[0][0]} (the loop is faster at every size)"
        if pts
        else "not measured (--max-elements skipped every size at this length)"
    )


def markdown(rows: list[dict], repeats: int, load: tuple[float, float]) -> str:
    what = {
        "NumPy": "NumPy, forward",
        "Keras": "Keras layer, forward + backward",
    }
    lines = [
        "<!-- generated by benchmarks/mingru_scan.py: do not edit by hand -->",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {cpu_model()}"
        f" ({os.cpu_count()} cores, no GPU), Python {platform.python_version()}, NumPy"
        f" {np.__version__}, TensorFlow {tf.__version__}, Keras {keras.__version__}; median of"
        f" {repeats} interleaved repeats (milliseconds), float32, one input feature. NumPy's BLAS"
        " runs on one thread (set by `import rnnbook`); TensorFlow uses every core. The load"
        f" average (one minute) was {load[0]:.1f} just before the run, on {os.cpu_count()} cores"
        f" ({load[1]:.1f} at its end, the benchmark's own work included): "
        + (
            "a quiet machine."
            if load[0] < 0.5 * (os.cpu_count() or 1)
            else "other work shared the machine, so the times are inflated and noisier than on"
            " a quiet one; the ratios, measured interleaved, are the numbers to read."
        ),
        "",
        "| implementation | B | H | B x H | T | sequential | parallel (scan) "
        "| sequential / parallel |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    order = list(what)
    for r in sorted(rows, key=lambda r: (order.index(r["impl"]), r["B"] * r["H"], r["T"])):
        lines.append(
            f"| {what[r['impl']]} | {r['B']} | {r['H']} | {r['B'] * r['H']} | {r['T']} "
            f"| {1e3 * r['sequential']:.2f} | {1e3 * r['parallel']:.2f} "
            f"| {r['sequential'] / r['parallel']:.2f} |"
        )
    ratio = {
        impl: [r["sequential"] / r["parallel"] for r in rows if r["impl"] == impl] for impl in what
    }
    lines += [
        "",
        "Summary (computed by the script): the ratio sequential / parallel ranges from "
        + "; ".join(f"{min(v):.2f} to {max(v):.2f} ({what[k]})" for k, v in ratio.items() if v)
        + ". At T = 512 the two forms take equal time "
        + "; ".join(f"{crossover(rows, k, 512)} ({what[k]})" for k in what)
        + ": below that work per step the scan is faster, above it the loop.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--max-elements", type=int, default=2**22)
    ap.add_argument("--out", type=Path, help="also write the table as Markdown here")
    args = ap.parse_args()
    rnnbook.set_seed(0)
    # one traced step per configuration is the design here, not an accident: TensorFlow's
    # "frequent retracing" warning would count them across configurations
    tf.get_logger().setLevel("ERROR")
    load_before = os.getloadavg()[0]
    rows = measure(args.repeats, args.max_elements)
    load_after = os.getloadavg()[0]
    print(f"load average (one minute): {load_before:.1f} before, {load_after:.1f} after")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            markdown(rows, args.repeats, (load_before, load_after)), encoding="utf-8"
        )
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
