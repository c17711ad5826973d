import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dropout_lib.dropout import Dropout, dropout, keep_mask
from dropout_lib.numpy_dropout import inverted_dropout
from tests.lib.stats import assert_fraction, assert_mean

DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]


def torch_output_and_mask(x, p):
    """PyTorch's own dropout output and the mask it drew (recovered from an input with no zeros)."""
    assert (x != 0).all()
    y = F.dropout(x, p, training=True)
    return y, y != 0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_equals_pytorch_bit_for_bit_given_its_mask(dtype, p):
    x = (torch.rand(4096, dtype=torch.float64) + 0.5).to(dtype)
    y, mask = torch_output_and_mask(x, p)
    assert torch.equal(dropout(x, p, mask=mask), y)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_same_distribution_as_pytorch(p):
    n = 200_000
    x = torch.ones(n, dtype=torch.float64)
    ours, theirs = dropout(x, p), F.dropout(x, p)
    for y in (ours, theirs):
        assert_fraction((y == 0).double().mean().item(), p, n, "drop fraction")
        # each kept value is exactly 1/(1-p): catches 1/p
        assert torch.allclose(y[y != 0], torch.full_like(y[y != 0], 1 / (1 - p)))
        std = math.sqrt(p / (1 - p))
        assert_mean(y.mean().item(), 1.0, std, n)
        assert abs(y.var().item() - p / (1 - p)) < 0.05 * p / (1 - p)


def test_elements_are_dropped_independently():
    n = 100_000
    y = dropout(torch.ones(n, 2, dtype=torch.float64), 0.5)
    both = ((y[:, 0] == 0) & (y[:, 1] == 0)).double().mean().item()
    assert_fraction(both, 0.25, n, "both of a pair dropped")


def test_agrees_with_numpy_version_given_the_mask():
    rng = np.random.default_rng(0)
    for dtype, np_dtype in ((torch.float32, np.float32), (torch.float64, np.float64)):
        x = rng.standard_normal((64, 33)).astype(np_dtype)
        mask = rng.random(x.shape) >= 0.3
        ours = dropout(torch.from_numpy(x), 0.3, mask=torch.from_numpy(mask))
        assert np.array_equal(ours.numpy(), inverted_dropout(x, mask, 0.3))


def test_gradcheck_with_fixed_mask():
    x = torch.randn(6, 5, dtype=torch.float64, requires_grad=True)
    mask = torch.rand(6, 5) > 0.4
    assert torch.autograd.gradcheck(lambda t: dropout(t, 0.4, mask=mask), (x,))


def test_gradient_is_mask_over_keep_probability():
    x = torch.randn(100, dtype=torch.float64, requires_grad=True)
    mask = torch.rand(100) > 0.25
    dropout(x, 0.25, mask=mask).sum().backward()
    assert torch.equal(x.grad, mask.double() / 0.75)


def test_p_zero_and_eval_are_identity():
    x = torch.randn(10)
    assert dropout(x, 0.0) is x
    assert dropout(x, 0.7, training=False) is x
    layer = Dropout(0.7).eval()
    assert torch.equal(layer(x), x)


def test_p_one_gives_zeros_and_zero_gradient_without_warning():
    x = torch.randn(10, dtype=torch.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = dropout(x, 1.0)
        y.sum().backward()
    assert torch.equal(y, torch.zeros_like(y))
    assert torch.equal(x.grad, torch.zeros_like(x))
    assert torch.equal(F.dropout(x.detach(), 1.0), y.detach())


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_and_device_kept_and_input_untouched(dtype):
    x = torch.randn(8, 8).to(dtype)
    before = x.clone()
    y = dropout(x, 0.5)
    assert y.dtype == dtype and y.device == x.device and y.shape == x.shape
    assert torch.equal(x, before)


def test_inplace_writes_into_input():
    x = torch.ones(1000)
    y = dropout(x, 0.5, inplace=True)
    assert y is x and (x == 0).any()


def test_empty_tensor():
    assert dropout(torch.empty(0, 3), 0.5).shape == (0, 3)


def test_generator_makes_masks_reproducible():
    x = torch.ones(1000)
    a = dropout(x, 0.5, generator=torch.Generator().manual_seed(1))
    b = dropout(x, 0.5, generator=torch.Generator().manual_seed(1))
    assert torch.equal(a, b)
    assert keep_mask((3,), 0.5, like=torch.zeros(1, dtype=torch.float64)).dtype == torch.float64


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan"), float("inf")])
def test_bad_rate_is_rejected(p):
    with pytest.raises(ValueError, match="between 0 and 1"):
        dropout(torch.ones(3), p)
    with pytest.raises(ValueError, match="between 0 and 1"):
        Dropout(p)


def test_rate_of_wrong_type_is_rejected():
    with pytest.raises(TypeError, match="real number"):
        Dropout("0.5")


def test_module_matches_pytorch_module_in_train_and_eval():
    ours, theirs = Dropout(0.3), nn.Dropout(0.3)
    x = torch.randn(50_000, dtype=torch.float64) + 3
    torch.manual_seed(5)
    y_theirs = theirs(x)
    mask = y_theirs != 0
    assert torch.equal(dropout(x, 0.3, mask=mask), y_theirs)
    assert_fraction((ours(x) == 0).double().mean().item(), 0.3, x.numel())
    assert "p=0.3" in repr(ours)
