"""The book's one plotting style and the plots its chapters share (matplotlib).

Importing this module applies the style (:func:`use_style`). Every helper draws on an
``Axes`` you pass, or on a new figure, and returns the ``Axes``, so chapters can combine them.
Every chapter imports it as ``rp`` in its first cell (CONTRIBUTING.md, "Figures").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from ._validate import expect_shape

__all__ = [
    "STYLE",
    "COLORS",
    "use_style",
    "subplots",
    "plot_series",
    "plot_history",
    "plot_heatmap",
    "plot_confusion_matrix",
    "plot_text_activations",
]

#: Colour cycle (Okabe & Ito 2008, readable by colour-blind readers).
COLORS: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
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
    """Apply :data:`STYLE` to matplotlib's global ``rcParams``.

    Done on import, so a chapter never calls it (CONTRIBUTING.md, "Figures"); call it again
    after :func:`matplotlib.pyplot.rcdefaults`.
    """
    plt.rcParams.update(STYLE)


def subplots(
    nrows: int = 1, ncols: int = 1, *, width: float = 7.0, height: float | None = None, **kwargs
):
    """``plt.subplots`` with the book's sizes: ``width`` inches, ``height`` 3.2 per row.

    Chapters 1 to 5 draw every figure on it.

    Args:
        nrows: rows of axes.
        ncols: columns of axes.
        width: figure width in inches.
        height: figure height in inches (default ``3.2 * nrows``).
        **kwargs: passed on to :func:`matplotlib.pyplot.subplots` (``sharex=True``, ...).

    Returns:
        ``(fig, axes)`` as :func:`matplotlib.pyplot.subplots` returns them.
    """
    if height is None:
        height = 3.2 * nrows
    return plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)


def _ax(ax):
    return ax if ax is not None else subplots()[1]


def plot_series(
    x,
    y,
    *,
    ax=None,
    label: str | None = None,
    xlabel: str = "",
    ylabel: str = "",
    title: str = "",
    **line_kwargs,
):
    """A line plot of one series ``y`` against ``x`` (dates, steps, ...).

    No chapter uses it yet (pending, unassigned).

    Args:
        x: positions, e.g. ``datetime64`` dates or steps.
        y: values, the length of ``x``.
        ax: the ``Axes`` to draw on (default: a new figure).
        label: legend entry (a legend is drawn when given).
        xlabel: x-axis label, with units.
        ylabel: y-axis label, with units.
        title: axes title.
        **line_kwargs: passed on to ``Axes.plot``.

    Returns:
        The ``Axes``.
    """
    ax = _ax(ax)
    ax.plot(x, y, label=label, **line_kwargs)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if label:
        ax.legend()
    return ax


def plot_history(
    history: Mapping[str, Sequence[float]] | object,
    metric: str = "loss",
    *,
    ax=None,
    logy: bool = False,
    label: str = "",
    xlabel: str = "epoch",
):
    """Training and validation curves of one metric.

    Chapter 5, §"Recurrent forecasters in Keras 3".

    Args:
        history: a Keras ``History`` (its ``.history`` dict is used) or a dict of lists such
            as ``{"loss": [...], "val_loss": [...]}``.
        metric: the key to plot; ``"val_" + metric`` is drawn too when present (dashed).
        ax: the ``Axes`` to draw on (default: a new figure).
        logy: logarithmic y axis.
        label: prefix for the legend entries (to compare runs on one ``Axes``).
        xlabel: x-axis label.

    Returns:
        The ``Axes``.

    Raises:
        KeyError: ``metric`` is not in the history (the message lists its keys).
    """
    ax = _ax(ax)
    h = getattr(history, "history", history)
    if metric not in h:
        raise KeyError(f"{metric!r} not in history; keys: {sorted(h)}")
    epochs = np.arange(1, len(h[metric]) + 1)
    (line,) = ax.plot(epochs, h[metric], label=f"{label} train".strip())
    if f"val_{metric}" in h:
        ax.plot(
            epochs,
            h[f"val_{metric}"],
            "--",
            color=line.get_color(),
            label=f"{label} validation".strip(),
        )
    ax.set(xlabel=xlabel, ylabel=metric)
    if logy:
        ax.set_yscale("log")
    ax.legend()
    return ax


def plot_heatmap(
    matrix,
    *,
    ax=None,
    xlabel: str = "time step t",
    ylabel: str = "unit",
    title: str = "",
    cmap: str = "RdBu_r",
    vmin: float | None = -1.0,
    vmax: float | None = 1.0,
    colorbar: bool = True,
):
    """A matrix as an image, e.g. hidden states ``h`` of one sequence as ``(units, time)``.

    The default colour scale, diverging on [-1, 1], suits tanh states; pass ``vmin=0`` for
    gates in (0, 1) and ``cmap="viridis"``. Chapter 2, §"The cell in NumPy, step by step".

    Args:
        matrix: ``(rows, columns)`` values, drawn row by row.
        ax: the ``Axes`` to draw on (default: a new figure).
        xlabel: x-axis label.
        ylabel: y-axis label.
        title: axes title.
        cmap: colour map.
        vmin: value at the low end of the colour scale (``None``: the data's minimum).
        vmax: value at the high end of the colour scale (``None``: the data's maximum).
        colorbar: draw a colour bar beside the axes.

    Returns:
        The ``Axes``.
    """
    ax = _ax(ax)
    im = ax.imshow(
        np.asarray(matrix), aspect="auto", interpolation="nearest", cmap=cmap, vmin=vmin, vmax=vmax
    )
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(False)
    if colorbar:
        ax.figure.colorbar(im, ax=ax)
    return ax


def plot_confusion_matrix(
    cm, class_names: Sequence[str], *, ax=None, normalize: bool = True, title: str = ""
):
    """A confusion matrix (rows: true class, columns: predicted), counts written in the cells.

    Chapter 6, §"Six question classes: TREC" (TREC's six classes).

    Args:
        cm: ``(K, K)`` integer counts.
        class_names: ``K`` names.
        ax: the ``Axes`` to draw on (default: a new figure).
        normalize: colour by row-normalized rates (the numbers shown stay counts).
        title: axes title.

    Returns:
        The ``Axes``.

    Raises:
        ValueError: ``cm`` is not ``(K, K)`` with ``K = len(class_names)``.
    """
    cm = np.asarray(cm)
    k = len(class_names)
    expect_shape("cm", cm, (k, k), "(K, K)")
    ax = _ax(ax)
    rates = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1) if normalize else cm
    ax.imshow(rates, cmap="Blues", vmin=0)
    ax.set_xticks(range(k), class_names, rotation=45, ha="right")
    ax.set_yticks(range(k), class_names)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    ax.grid(False)
    threshold = rates.max() / 2
    for i in range(k):
        for j in range(k):
            ax.text(
                j,
                i,
                int(cm[i, j]),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if rates[i, j] > threshold else "black",
            )
    return ax


use_style()


def plot_text_activations(
    ax,
    text: str,
    values,
    *,
    ncols: int = 80,
    cmap: str = "RdBu_r",
    vmax: float | None = None,
):
    """Text drawn character by character on a colour grid: one value per character (e.g.
    one hidden unit's activation as it reads the text), as in Karpathy, Johnson & Fei-Fei
    (2016), "Visualizing and understanding recurrent networks".

    Lines wrap at ``ncols`` characters and at every line break, which is drawn as ``↵`` at the
    end of its line. Chapter 9, §"What the hidden units learn".

    Args:
        ax: the ``Axes`` to draw on.
        text: the characters, ``n`` of them.
        values: ``(n,)`` floats, one per character.
        ncols: characters per row.
        cmap: a diverging colour map, centred on 0.
        vmax: the colour scale is ``[-vmax, vmax]`` (``None``: the largest ``|value|``).

    Returns:
        The ``Axes``; its image holds the values as a masked ``(rows, ncols)`` array.

    Raises:
        ValueError: ``values`` not of shape ``(len(text),)``.
    """
    values = np.asarray(values, dtype=float)
    expect_shape("values", values, (len(text),), "(n,)")
    cells, row, col = [], 0, 0
    for ch, v in zip(text, values):
        if col == ncols:
            row, col = row + 1, 0
        cells.append((row, col, "\u21b5" if ch == "\n" else ch, v))
        col += 1
        if ch == "\n":
            row, col = row + 1, 0
    n_rows = max(1, (cells[-1][0] + 1) if cells else 1)
    grid = np.ma.masked_all((n_rows, ncols))
    for r, c, _, v in cells:
        grid[r, c] = v
    scale = vmax if vmax is not None else max(float(np.abs(values).max(initial=0.0)), 1e-12)
    ax.imshow(grid, cmap=cmap, vmin=-scale, vmax=scale, aspect="auto", interpolation="nearest")
    for r, c, ch, _ in cells:
        ax.text(c, r, ch, ha="center", va="center", fontsize=7, family="monospace")
    ax.set(xticks=[], yticks=[])
    ax.grid(False)
    return ax
