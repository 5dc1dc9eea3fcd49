"""The book's one plotting style and the plots its chapters share (matplotlib).

Importing this module applies the style (:func:`use_style`). Every helper draws on an
``Axes`` you pass, or on a new figure, and returns the ``Axes``, so chapters can combine them.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

__all__ = [
    "STYLE",
    "COLORS",
    "use_style",
    "subplots",
    "plot_series",
    "plot_history",
    "plot_heatmap",
    "plot_confusion_matrix",
]

#: Colour cycle (Okabe & Ito 2008, readable by colour-blind readers).
COLORS: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
)

#: The rcParams the book uses.
STYLE: dict[str, object] = {
    "figure.figsize": (7.0, 3.2),
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": matplotlib.cycler(color=list(COLORS)),
    "legend.frameon": False,
    "lines.linewidth": 1.4,
    "image.cmap": "viridis",
    "figure.constrained_layout.use": True,
}


def use_style() -> None:
    """Apply :data:`STYLE` to matplotlib's global rcParams."""
    plt.rcParams.update(STYLE)


def subplots(nrows: int = 1, ncols: int = 1, *, width: float = 7.0, height: float | None = None,
             **kwargs):
    """``plt.subplots`` with the book's sizes: ``width`` inches, ``height`` 3.2 per row."""
    if height is None:
        height = 3.2 * nrows
    return plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)


def _ax(ax):
    return ax if ax is not None else subplots()[1]


def plot_series(x, y, *, ax=None, label: str | None = None, xlabel: str = "",
                ylabel: str = "", title: str = "", **line_kwargs):
    """A line plot of one series ``y`` against ``x`` (dates, steps, ...)."""
    ax = _ax(ax)
    ax.plot(x, y, label=label, **line_kwargs)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if label:
        ax.legend()
    return ax


def plot_history(history: Mapping[str, Sequence[float]] | object, metric: str = "loss", *,
                 ax=None, logy: bool = False, label: str = "", xlabel: str = "epoch"):
    """Training and validation curves of one metric.

    Args:
        history: a Keras ``History`` (its ``.history`` dict is used) or a dict of lists such
            as ``{"loss": [...], "val_loss": [...]}``.
        metric: the key to plot; ``"val_" + metric`` is drawn too when present (dashed).
        logy: logarithmic y axis.
        label: prefix for the legend entries (to compare runs on one ``Axes``).
    """
    ax = _ax(ax)
    h = getattr(history, "history", history)
    if metric not in h:
        raise KeyError(f"{metric!r} not in history; keys: {sorted(h)}")
    epochs = np.arange(1, len(h[metric]) + 1)
    (line,) = ax.plot(epochs, h[metric], label=f"{label} train".strip())
    if f"val_{metric}" in h:
        ax.plot(epochs, h[f"val_{metric}"], "--", color=line.get_color(),
                label=f"{label} validation".strip())
    ax.set(xlabel=xlabel, ylabel=metric)
    if logy:
        ax.set_yscale("log")
    ax.legend()
    return ax


def plot_heatmap(matrix, *, ax=None, xlabel: str = "time step t", ylabel: str = "unit",
                 title: str = "", cmap: str = "RdBu_r", vmin: float | None = -1.0,
                 vmax: float | None = 1.0, colorbar: bool = True):
    """A matrix as an image, e.g. hidden states ``h`` of one sequence as ``(units, time)``.

    The default colour scale, diverging on [-1, 1], suits tanh states; pass ``vmin=0`` for
    gates in (0, 1) and ``cmap="viridis"``.
    """
    ax = _ax(ax)
    im = ax.imshow(np.asarray(matrix), aspect="auto", interpolation="nearest", cmap=cmap,
                   vmin=vmin, vmax=vmax)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(False)
    if colorbar:
        ax.figure.colorbar(im, ax=ax)
    return ax


def plot_confusion_matrix(cm, class_names: Sequence[str], *, ax=None, normalize: bool = True,
                          title: str = ""):
    """A confusion matrix (rows: true class, columns: predicted), counts written in the cells.

    Args:
        cm: ``(K, K)`` integer counts.
        class_names: ``K`` names.
        normalize: colour by row-normalized rates (the numbers shown stay counts).
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] != len(class_names):
        raise ValueError(f"cm must have shape ({len(class_names)}, {len(class_names)}), "
                         f"got {cm.shape}")
    ax = _ax(ax)
    rates = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1) if normalize else cm
    ax.imshow(rates, cmap="Blues", vmin=0)
    k = len(class_names)
    ax.set_xticks(range(k), class_names, rotation=45, ha="right")
    ax.set_yticks(range(k), class_names)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    ax.grid(False)
    threshold = rates.max() / 2
    for i in range(k):
        for j in range(k):
            ax.text(j, i, int(cm[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if rates[i, j] > threshold else "black")
    return ax


use_style()
