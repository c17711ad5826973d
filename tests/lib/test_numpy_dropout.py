import math
import warnings

import numpy as np
import pytest
import torch

from dropout_lib.numpy_dropout import (Dropout, StandardDropout, inverted_dropout, inverted_dropout_backward,
                                       keep_mask, standard_dropout)
from dropout_lib.numpy_mlp import numerical_gradient, relative_error
from tests.lib.stats import assert_fraction, assert_mean


def test_exact_values_for_a_given_mask():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    mask = np.array([[True, False, True], [False, True, True]])
    assert np.array_equal(inverted_dropout(x, mask, 0.5), x * mask * 2)


@pytest.mark.parametrize("np_dtype, torch_dtype", [(np.float16, torch.float16), (np.float32, torch.float32),
                                                   (np.float64, torch.float64)])
@pytest.mark.parametrize("p", [0.1, 0.3, 0.7])
def test_agrees_with_pytorch_arithmetic_to_the_last_bit(np_dtype, torch_dtype, p):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(5000).astype(np_dtype)
    mask = keep_mask(x.shape, p, rng)
    t = torch.from_numpy(x)
    expected = t * (torch.from_numpy(mask).to(torch_dtype) / (1 - p))
    assert np.array_equal(inverted_dropout(x, mask, p), expected.numpy())


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_layer_drop_fraction_and_mean(p):
    n = 200_000
    layer = Dropout(p, rng=np.random.default_rng(0))
    y = layer.forward(np.ones(n))
    assert_fraction(float((y == 0).mean()), p, n)
    assert np.all((y == 0) | (y == 1 / (1 - p)))
    assert_mean(float(y.mean()), 1.0, math.sqrt(p / (1 - p)), n)


def test_new_mask_each_forward_and_backward_uses_the_last_one():
    layer = Dropout(0.5, rng=np.random.default_rng(0))
    x = np.arange(1.0, 101.0)
    y1 = layer.forward(x)
    y2 = layer.forward(x)
    assert not np.array_equal(y1 == 0, y2 == 0)
    grad = layer.backward(np.ones_like(x))
    assert np.array_equal(grad, (y2 != 0) * 2.0)


def test_backward_matches_numerical_gradient_given_the_mask():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 5))
    mask = keep_mask(x.shape, 0.4, rng)
    w = rng.standard_normal((4, 5))
    numeric = numerical_gradient(lambda: float((inverted_dropout(x, mask, 0.4) * w).sum()), x)
    assert relative_error(inverted_dropout_backward(w, mask, 0.4), numeric) < 1e-7


def test_standard_dropout_expectation_matches_inference():
    n, p = 200_000, 0.3
    rng = np.random.default_rng(0)
    train = standard_dropout(np.ones(n), p, True, rng)
    assert set(np.unique(train)) <= {0.0, 1.0}
    assert_mean(float(train.mean()), 1 - p, math.sqrt(p * (1 - p)), n)
    assert np.allclose(standard_dropout(np.ones(3), p, False), 1 - p)  # scaled by 1-p, not by p
    layer = StandardDropout(p, rng)
    out = layer.forward(np.ones(10))
    assert np.array_equal(layer.backward(np.ones(10)), out)
    layer.training = False
    assert np.allclose(layer.forward(np.ones(3)), 0.7) and np.allclose(layer.backward(np.ones(3)), 0.7)


def test_eval_is_identity_both_ways():
    layer = Dropout(0.5)
    layer.training = False
    x = np.random.default_rng(0).standard_normal(10)
    assert np.array_equal(layer.forward(x), x) and np.array_equal(layer.backward(x), x)


def test_edge_cases():
    x = np.ones((3, 4), dtype=np.float32)
    before = x.copy()
    layer = Dropout(0.5)
    assert layer.training is True and layer.p == 0.5 and layer.mask is None
    y = layer.forward(x)
    assert y.dtype == np.float32 and y.shape == x.shape and np.array_equal(x, before)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.array_equal(Dropout(1.0).forward(x), np.zeros_like(x))
        one = Dropout(1.0)
        one.forward(x)
        assert np.array_equal(one.backward(x), np.zeros_like(x))
    assert np.array_equal(Dropout(0.0).forward(x), x)


def test_errors():
    for bad in (-0.01, 1.01, float("nan")):
        with pytest.raises(ValueError, match="between 0 and 1"):
            Dropout(bad)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        Dropout(0.5).backward(np.ones(3))
    layer = Dropout(0.5)
    layer.forward(np.ones(3))
    with pytest.raises(ValueError, match="grad_output has shape"):
        layer.backward(np.ones(4))
