"""Chapter 8's recipe trials: five-fold cross-validation on the Japanese Vowels training set.

    .venv/bin/python benchmarks/jv_recipe_cv.py --report-only     # the table from the stored runs
    .venv/bin/python benchmarks/jv_recipe_cv.py [--only NAME ...] [--seeds 0,1]
        [--store benchmarks/results/jv_recipe_cv.json] [--out benchmarks/results/jv_recipe_cv.md]

Running recipes trains them (needs the data: ``RNNBOOK_DATA_DIR``) and replaces their entries
in ``--store``; point ``--store`` elsewhere to keep the committed runs. ``--report-only``
trains nothing and rewrites ``--out`` from ``--store`` in seconds.

Chapter 8, section "A settled last epoch", trains its final models with a recipe (masked
mean-and-max pooling of the bidirectional LSTM's states, a cosine decay of the learning rate
over a fixed 60 epochs) that came from these trials. They read only the 270 training
utterances (never the test set): five folds, 6 utterances of each speaker per fold (fixed by
``numpy.random.default_rng(0)``), the channels standardized on the four training folds, each
recipe trained with seeds 0 and 1 on every fold, the held-out cross-entropy and accuracy
recorded after every epoch. A recipe with a cosine schedule is scored after its last epoch; one
without at the epoch that minimizes its mean held-out cross-entropy curve, which flatters it.
Differences are paired (same fold and seed), with their standard error over the 10 pairs.

Every recipe starts from chapter 8's model before that section: a bidirectional LSTM of 32
units per direction, input dropout 0.2, read at its last state, Adam at 1e-2, batches of 32
bucketed by length (``rnnbook.sequences.bucket_batches``), each cut to its longest utterance.
``CONFIGS`` lists the changes. Each run's numbers at the scored epoch are kept in ``--store``
(JSON); ``--out`` writes the table from it. Not a test: about 10-30 s per run on 2 cores,
about an hour for all recipes.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import rnnbook  # noqa: F401  (log level before TensorFlow)
from rnnbook import datasets
from rnnbook import sequences as rs
from rnnbook import text as rt

import keras
import numpy as np

L = keras.layers
HERE = Path(__file__).resolve().parent
N_FOLDS, UNITS, DROPOUT, LR, BATCH = 5, 32, 0.2, 1e-2, 32

# name -> (what changes, the change as options of build/augment/train, epochs)
CONFIGS: dict[str, tuple[str, dict, int]] = {
    "baseline": ("chapter 8's model, constant learning rate", {}, 60),
    "jitter0.1": ("Gaussian noise (0.1) on every input value", {"jitter": 0.1}, 60),
    "warp0.2": ("time warping, length x U(0.8, 1.2)", {"warp": 0.2}, 60),
    "crop2": ("cropping up to 2 frames at each end", {"crop": 2}, 60),
    "scale0.1": ("each channel scaled by 1 + N(0, 0.1)", {"scale": 0.1}, 60),
    "u64d0.4": ("64 units, dropout 0.4", {"units": 64, "dropout": 0.4}, 60),
    "conv32": ("a masked Conv1D (32, width 3) before the LSTM", {"conv": 32}, 60),
    "smooth0.1": ("label smoothing 0.1", {"smooth": 0.1}, 60),
    "adamw1e-2": ("AdamW, weight decay 1e-2", {"wd": 1e-2}, 60),
    "meanmax": ("masked mean+max pooling", {"pool": "meanmax"}, 60),
    "cosine60": ("cosine decay over 60 epochs", {"cosine": True}, 60),
    "mm_jit_sc": (
        "mean+max, jitter 0.1, scaling 0.1",
        {"pool": "meanmax", "jitter": 0.1, "scale": 0.1},
        60,
    ),
    "mm_jit0.2_sc0.2": (
        "mean+max, jitter 0.2, scaling 0.2",
        {"pool": "meanmax", "jitter": 0.2, "scale": 0.2},
        60,
    ),
    "mm_cos60": (
        "mean+max, cosine over 60 epochs (chosen)",
        {"pool": "meanmax", "cosine": True},
        60,
    ),
    "mm_jit_sc_cos": (
        "mean+max, jitter 0.1, scaling 0.1, cosine over 50",
        {"pool": "meanmax", "jitter": 0.1, "scale": 0.1, "cosine": True},
        50,
    ),
    "mm_jit_sc_cos80": (
        "mean+max, jitter 0.1, scaling 0.1, cosine over 80",
        {"pool": "meanmax", "jitter": 0.1, "scale": 0.1, "cosine": True},
        80,
    ),
    "mm_jit0.2_sc0.2_cos60": (
        "mean+max, jitter 0.2, scaling 0.2, cosine over 60",
        {"pool": "meanmax", "jitter": 0.2, "scale": 0.2, "cosine": True},
        60,
    ),
    # the second round, after the chapter's final models had been scored on the test set
    "mm_cos60_delta": (
        "chosen + the coefficients' central differences over time (24 channels)",
        {"pool": "meanmax", "cosine": True, "delta": True},
        60,
    ),
    "mm_cos60_u64": ("chosen, 64 units", {"pool": "meanmax", "cosine": True, "units": 64}, 60),
    "mm_cos60_gru": ("chosen, GRU cells", {"pool": "meanmax", "cosine": True, "cell": "GRU"}, 60),
    "mm_cos60_b16": ("chosen, batches of 16", {"pool": "meanmax", "cosine": True, "batch": 16}, 60),
    "mm_cos100": ("chosen, cosine over 100 epochs", {"pool": "meanmax", "cosine": True}, 100),
    "mm_cos60_stack": (
        "chosen, two bidirectional layers",
        {"pool": "meanmax", "cosine": True, "depth": 2},
        60,
    ),
    "mm_cos60_lr3e-3": (
        "chosen, peak learning rate 3e-3",
        {"pool": "meanmax", "cosine": True, "lr": 3e-3},
        60,
    ),
}
SECOND_ROUND = "mm_cos60_delta"  # the first recipe of the second round


class MaskedConv1D(L.Layer):
    """Conv1D ('same', ReLU) whose outputs on padded steps are zeroed; passes the mask on.
    Keras's Conv1D drops the mask. With post-padding by zeros a real step's output equals the
    utterance's alone ('same' pads with zeros too)."""

    def __init__(self, filters, kernel_size=3, **kw):
        super().__init__(**kw)
        self.conv = L.Conv1D(filters, kernel_size, padding="same", activation="relu")
        self.supports_masking = True

    def call(self, x, mask=None):
        h = self.conv(x)
        if mask is not None:
            h = h * keras.ops.expand_dims(keras.ops.cast(mask, h.dtype), -1)
        return h

    def compute_mask(self, x, mask=None):
        return mask


class MaskedMeanMax(L.Layer):
    """[mean, max] of the states over the real steps, side by side: chapter 6's
    ``rnnbook.text.MaskedGlobalPooling1D`` "mean" and "max" concatenated, as chapter 8 reads
    its chosen model (the trials ran with this layer). Consumes the mask."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.supports_masking = True

    def call(self, h, mask=None):
        if mask is None:
            return keras.ops.concatenate([keras.ops.mean(h, 1), keras.ops.max(h, 1)], -1)
        m = keras.ops.expand_dims(keras.ops.cast(mask, h.dtype), -1)
        mean = keras.ops.sum(h * m, 1) / keras.ops.maximum(keras.ops.sum(m, 1), 1.0)
        mx = keras.ops.max(keras.ops.where(m > 0, h, -1e9), 1)
        return keras.ops.concatenate([mean, mx], -1)

    def compute_mask(self, h, mask=None):
        return None


def build(cfg: dict, n_in: int, n_classes: int, total_steps: int):
    units, drop = cfg.get("units", UNITS), cfg.get("dropout", DROPOUT)
    pool = cfg.get("pool", "last")
    layers = [keras.Input(shape=(None, n_in)), L.Masking(0.0)]
    if cfg.get("conv"):
        layers.append(MaskedConv1D(cfg["conv"], 3))
    cell = L.GRU if cfg.get("cell") == "GRU" else L.LSTM
    for _ in range(cfg.get("depth", 1) - 1):
        layers.append(L.Bidirectional(cell(units, dropout=drop, return_sequences=True)))
    layers.append(L.Bidirectional(cell(units, dropout=drop, return_sequences=pool != "last")))
    if pool == "meanmax":
        layers.append(MaskedMeanMax())
    layers.append(L.Dense(n_classes, activation="softmax"))
    model = keras.Sequential(layers)
    lr = cfg.get("lr", LR)
    if cfg.get("cosine"):
        lr = keras.optimizers.schedules.CosineDecay(lr, decay_steps=total_steps)
    opt = (
        keras.optimizers.AdamW(lr, weight_decay=cfg["wd"])
        if cfg.get("wd")
        else keras.optimizers.Adam(lr)
    )
    loss = (
        keras.losses.CategoricalCrossentropy(label_smoothing=cfg["smooth"])
        if cfg.get("smooth")
        else "sparse_categorical_crossentropy"
    )
    model.compile(optimizer=opt, loss=loss)
    return model


def augment(z: list, rng: np.random.Generator, cfg: dict) -> list:
    """A new list of (T_i, C) float32 arrays, drawn afresh every epoch (training folds only)."""
    out = []
    for u in z:
        u = u.astype(np.float64)
        if cfg.get("crop"):
            a, b = rng.integers(0, cfg["crop"] + 1, size=2)
            if len(u) - a - b >= 5:
                u = u[a : len(u) - b]
        if cfg.get("warp"):
            T = len(u)
            Tn = max(5, int(round(T * rng.uniform(1 - cfg["warp"], 1 + cfg["warp"]))))
            src = np.linspace(0, T - 1, Tn)
            u = np.stack([np.interp(src, np.arange(T), u[:, c]) for c in range(u.shape[1])], 1)
        if cfg.get("scale"):
            u = u * (1 + cfg["scale"] * rng.standard_normal(u.shape[1]))
        if cfg.get("jitter"):
            u = u + cfg["jitter"] * rng.standard_normal(u.shape)
        out.append(u.astype(np.float32))
    return out


def pad(z: list) -> np.ndarray:
    return keras.utils.pad_sequences(z, padding="post", dtype="float32")


def train(cfg, z_fit, y_fit, z_val, y_val, seed, epochs, n_classes):
    """Train exactly `epochs` epochs; the held-out (cross-entropy, accuracy) after each."""
    rnnbook.set_seed(seed)
    batch = cfg.get("batch", BATCH)
    model = build(cfg, z_fit[0].shape[1], n_classes, epochs * int(np.ceil(len(z_fit) / batch)))
    augmented = any(cfg.get(k) for k in ("crop", "warp", "scale", "jitter"))
    aug_rng, rng = np.random.default_rng(1000 + seed), np.random.default_rng(seed)
    y_used = (
        keras.utils.to_categorical(y_fit, n_classes).astype(np.float32)
        if cfg.get("smooth")
        else y_fit
    )
    x_fixed, len_fixed = pad(z_fit), np.array([len(u) for u in z_fit])
    x_val = pad(z_val)
    losses, accs, step = [], [], None
    for _ in range(epochs):
        epoch_seed = int(rng.integers(2**31))
        if augmented:
            za = augment(z_fit, aug_rng, cfg)
            x, lengths = pad(za), np.array([len(u) for u in za])
        else:
            x, lengths = x_fixed, len_fixed
        for b in rs.bucket_batches(lengths, batch, seed=epoch_seed):
            xb, yb = x[b, : lengths[b].max()], y_used[b]
            if step is None:  # the compiled step rnnbook.sequences.fit_sequences uses
                step = rt._train_step(model, xb, yb)
            step(xb, yb)
        p = rt.predict_proba(model, x_val)
        losses.append(rs.cross_entropy(p, y_val))
        accs.append(rt.accuracy(p, y_val))
    return np.array(losses), np.array(accs)


def run(name: str, seeds: list[int]) -> dict:
    what, cfg, epochs = CONFIGS[name]
    seqs, y = datasets.load_japanese_vowels("train")  # the training split only
    n_classes = int(y.max()) + 1
    if cfg.get("delta"):  # np.gradient: central differences, one-sided at the ends
        seqs = [np.concatenate([u, np.gradient(u, axis=0)], 1) for u in seqs]
    fold = np.empty(len(y), int)
    rng = np.random.default_rng(0)
    for k in range(n_classes):
        idx = rng.permutation(np.flatnonzero(y == k))
        fold[idx] = np.arange(len(idx)) % N_FOLDS
    curves, start = [], time.perf_counter()
    for f in range(N_FOLDS):
        fit, val = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
        frames = np.concatenate([seqs[i] for i in fit])
        mu, sd = frames.mean(0), frames.std(0)  # the training folds' frames only
        z = [((u - mu) / sd).astype(np.float32) for u in seqs]
        for s in seeds:
            loss, acc = train(
                cfg, [z[i] for i in fit], y[fit], [z[i] for i in val], y[val], s, epochs, n_classes
            )
            curves.append((loss, acc))
            print(
                f"{name} fold {f} seed {s}: loss {loss[-1]:.3f}, acc {100 * acc[-1]:.1f} %",
                flush=True,
            )
    loss = np.array([c[0] for c in curves])
    acc = np.array([c[1] for c in curves])
    e = epochs - 1 if cfg.get("cosine") else int(loss.mean(0).argmin())
    return {
        "what": what,
        "epochs": epochs,
        "scored_epoch": e + 1,
        "fold": [f for f in range(N_FOLDS) for _ in seeds],  # the runs, fold by fold
        "seed": [s for _ in range(N_FOLDS) for s in seeds],
        "n_heldout": int(np.sum(fold == 0)),  # utterances per held-out fold
        "loss": loss[:, e].tolist(),
        "acc": acc[:, e].tolist(),
        "seconds_per_run": (time.perf_counter() - start) / len(curves),
    }


def paired(a, b, fold) -> tuple[float, float]:
    """Mean paired difference and its standard error over the folds: the runs of one fold
    share its held-out utterances, so the seeds are averaged within a fold first. Still
    approximate and on the optimistic side: the folds' training sets overlap."""
    d = np.asarray(a, float) - np.asarray(b, float)
    fold = np.asarray(fold)
    per_fold = np.array([d[fold == f].mean() for f in np.unique(fold)])
    mean = round(float(d.mean()), 9) + 0.0  # no "-0.00" from round-off
    return mean, float(per_fold.std(ddof=1) / np.sqrt(len(per_fold)))


FIXED_END = "scored after a fixed last epoch"


def choice_sentence(store: dict) -> str:
    """Where the chosen recipe stands among the first round's recipes with a schedule."""
    first = list(CONFIGS)[: list(CONFIGS).index(SECOND_ROUND)]
    fixed = [n for n in first if n in store and CONFIGS[n][1].get("cosine")]
    by_loss = sorted(fixed, key=lambda n: np.mean(store[n]["loss"]))
    best_acc = max(np.mean(store[n]["acc"]) for n in fixed)
    level = [n for n in fixed if np.isclose(np.mean(store[n]["acc"]), best_acc)]
    runner = by_loss[1]
    d, se = paired(store[runner]["loss"], store["mm_cos60"]["loss"], store["mm_cos60"]["fold"])
    return (
        f"Among the first round's recipes {FIXED_END} ({len(fixed)}), `{by_loss[0]}` has the "
        f"lowest mean cross-entropy; the next, `{runner}`, is {d:+.3f} ± {se:.3f} nats from "
        f"`mm_cos60`. The highest accuracy is that of {' and '.join(f'`{n}`' for n in level)}."
    )


def markdown(store: dict) -> str:
    """The table; every recipe's runs must pair with the baseline's (same folds and seeds)."""
    base, chosen = store["baseline"], store["mm_cos60"]
    unpaired = [
        name for name, r in store.items() if (r["fold"], r["seed"]) != (base["fold"], base["seed"])
    ]
    if unpaired:
        raise SystemExit(
            f"recipes {unpaired} were run on other folds or seeds than the baseline "
            f"(seeds {sorted(set(base['seed']))}): rerun them with those; nothing written"
        )
    fold, n_runs = base["fold"], len(base["acc"])
    rows = [
        "| recipe | change | scored after epoch | CV accuracy (%) | CV cross-entropy (nats) "
        "| accuracy vs baseline (points) | accuracy vs chosen (points) "
        "| cross-entropy vs chosen (nats) | s per run |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in CONFIGS:
        if name not in store:
            continue
        r = store[name]
        if name == SECOND_ROUND:
            rows.append("| *second round* | | | | | | | | |")
        acc = 100 * np.asarray(r["acc"])
        d_base, se_base = paired(acc, 100 * np.asarray(base["acc"]), fold)
        d_ch, se_ch = paired(acc, 100 * np.asarray(chosen["acc"]), fold)
        dl, se_l = paired(r["loss"], chosen["loss"], fold)
        rows.append(
            f"| `{name}` | {r['what']} | {r['scored_epoch']} | {acc.mean():.2f} "
            f"| {np.mean(r['loss']):.3f} | {d_base:+.2f} ± {se_base:.2f} "
            f"| {d_ch:+.2f} ± {se_ch:.2f} | {dl:+.3f} ± {se_l:.3f} | {r['seconds_per_run']:.0f} |"
        )
    n_seeds, n_val = n_runs // N_FOLDS, base["n_heldout"]
    return (
        f"Five folds x {n_seeds} seeds = {n_runs} runs per recipe, all on the training split, "
        f"{n_val} held-out utterances per fold: one utterance is {100 / n_val:.2f} points of a "
        f"fold's accuracy and {100 / n_val / n_runs:.2f} points of a recipe's mean. Differences "
        "are paired (same fold and seed), ± one standard error over the folds (the seeds of a "
        "fold averaged first; approximate, and on the small side, since the folds' training "
        f"sets overlap). {choice_sentence(store)} `smooth0.1` is trained on smoothed labels "
        "and scored against the true ones: its cross-entropy is higher by construction.\n\n"
        + "\n".join(rows)
        + "\n"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    ap.add_argument("--only", nargs="*", choices=list(CONFIGS), help="recipes to run (default all)")
    ap.add_argument("--seeds", default="0,1", help="comma-separated seeds, each run on every fold")
    ap.add_argument(
        "--store",
        type=Path,
        default=HERE / "results" / "jv_recipe_cv.json",
        help="JSON of the runs at their scored epoch; runs replace their recipe's entry",
    )
    ap.add_argument(
        "--out", type=Path, default=HERE / "results" / "jv_recipe_cv.md", help="the table"
    )
    ap.add_argument(
        "--report-only", action="store_true", help="write --out from --store, train nothing"
    )
    args = ap.parse_args()
    store = json.loads(args.store.read_text()) if args.store.exists() else {}
    if not args.report_only:
        seeds = [int(s) for s in args.seeds.split(",")]
        for name in args.only if args.only is not None else CONFIGS:
            store[name] = run(name, seeds)
            args.store.write_text(json.dumps(store, indent=1) + "\n")
    missing = [name for name in ("baseline", "mm_cos60") if name not in store]
    if missing:
        raise SystemExit(f"no {' or '.join(missing)} in {args.store}: no table written")
    args.out.write_text(markdown(store))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
