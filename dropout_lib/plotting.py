"""A few plotting functions with one consistent style, shared by the notebooks."""

import matplotlib.pyplot as plt
import numpy as np

COLORS = {"no dropout": "#d95f02", "dropout": "#1b9e77", "reference": "#7570b3", "data": "#444444"}
STYLE = {
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "legend.frameon": False,
}


def use_style():
    """Apply the course's matplotlib style to every later figure."""
    plt.rcParams.update(STYLE)


def color_for(label, index=0):
    """The course colour of a label, or the ``index``-th colour of the default cycle."""
    return COLORS.get(label, plt.rcParams["axes.prop_cycle"].by_key()["color"][index % 10])


def plot_band(ax, x, runs, label, index=0, k=1.0):
    """Plot the mean over runs (rows of ``runs``) with a band of ± ``k`` standard deviations."""
    runs = np.asarray(runs, dtype=float)
    mean, std = runs.mean(axis=0), runs.std(axis=0)
    color = color_for(label, index)
    ax.plot(x, mean, color=color, label=label)
    ax.fill_between(x, mean - k * std, mean + k * std, color=color, alpha=0.2, linewidth=0)
    return ax


def plot_histories(histories, metric="acc"):
    """Train (dashed) and validation (solid) curves of ``metric`` ("acc" or "loss") for each label.

    Args:
        histories: a dict from a label to a list of :class:`dropout_lib.training.History`, one per seed.

    Returns:
        the figure.
    """
    fig, ax = plt.subplots()
    for i, (label, runs) in enumerate(histories.items()):
        epochs = np.arange(1, len(runs[0].train_loss) + 1)
        color = color_for(label, i)
        for split, style in (("train", "--"), ("val", "-")):
            values = np.array([getattr(h, f"{split}_{metric}") for h in runs])
            mean, std = values.mean(axis=0), values.std(axis=0)
            ax.plot(epochs, mean, style, color=color, label=f"{label} ({split})")
            ax.fill_between(epochs, mean - std, mean + std, color=color, alpha=0.15, linewidth=0)
    ax.set_xlabel("epoch")
    ax.set_ylabel({"acc": "accuracy", "loss": "loss"}[metric])
    ax.legend()
    fig.tight_layout()
    return fig


def plot_masks(masks, titles, cmap="Greys_r"):
    """Show 2-D masks side by side (1 = kept, shown white; 0 = dropped, shown black)."""
    fig, axes = plt.subplots(1, len(masks), figsize=(2.2 * len(masks), 2.4), squeeze=False)
    for ax, mask, title in zip(axes[0], masks, titles):
        ax.imshow(np.asarray(mask, dtype=float), cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    fig.tight_layout()
    return fig
