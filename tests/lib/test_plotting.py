import matplotlib

matplotlib.use("Agg")

import numpy as np

from dropout_lib.plotting import COLORS, plot_band, plot_histories, plot_masks, use_style
from dropout_lib.training import History


def test_histories_plot_train_and_val_per_label():
    use_style()
    runs = [History([1.0, 0.5], [0.5, 0.8], [1.1, 0.7], [0.4, 0.7]) for _ in range(2)]
    fig = plot_histories({"dropout": runs, "no dropout": runs}, metric="acc")
    lines = fig.axes[0].get_lines()
    assert len(lines) == 4 and np.allclose(lines[0].get_ydata(), [0.5, 0.8])
    assert matplotlib.colors.to_hex(lines[0].get_color()) == COLORS["dropout"]


def test_masks_and_band():
    fig = plot_masks([np.eye(3), np.ones((3, 3))], ["a", "b"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    plot_band(ax, [0, 1], [[0, 1], [2, 3]], "x")
    assert np.allclose(ax.get_lines()[0].get_ydata(), [1, 2])
