import numpy as np
import pytest
import torch

from dropout_lib.data import load_co2, load_digits, load_mnist, load_mnist_images, stratified_split


def test_mnist_is_the_real_5000_digits_split_stratified():
    split = load_mnist()
    assert split.x_train.shape == (4000, 784) and split.x_val.shape == (1000, 784)
    assert split.x_train.dtype == torch.float32 and split.y_train.dtype == torch.int64
    assert 0.0 <= split.x_train.min() and split.x_train.max() <= 1.0
    assert torch.equal(split.y_train.bincount(), torch.full((10,), 400))
    assert torch.equal(split.y_val.bincount(), torch.full((10,), 100))
    assert torch.equal(load_mnist().x_val, split.x_val)  # fixed by the seed
    assert load_mnist_images().x_train.shape == (4000, 1, 28, 28)


def test_digits_and_co2():
    digits = load_digits()
    assert digits.x_train.shape[1] == 64 and len(digits.x_train) + len(digits.x_val) == 1797
    assert digits.x_train.max() <= 1.0
    years, ppm = load_co2()
    assert len(years) == len(ppm) == 2284 and not np.isnan(ppm).any()
    assert 1958 < years[0] < 1959 and 2001 < years[-1] < 2002 and np.all(np.diff(years) > 0)
    assert 310 < ppm.min() and ppm.max() < 380


def test_split_rejects_a_bad_fraction():
    with pytest.raises(ValueError, match="val_fraction"):
        stratified_split(np.zeros(10), 1.0, 0)
