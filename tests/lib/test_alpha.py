import math
import warnings

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dropout_lib.alpha import (ALPHA_PRIME, SELU_ALPHA, SELU_LAMBDA, AlphaDropout, FeatureAlphaDropout,
                               _apply_alpha_mask, alpha_dropout, alpha_dropout_coefficients, feature_alpha_dropout)
from tests.lib.stats import assert_fraction


def recover_mask(x, y, p, shape):
    """PyTorch's keep mask, from the elements that do not equal the value of a dropped unit."""
    dropped_value = _apply_alpha_mask(x, torch.zeros(shape, dtype=x.dtype), p)
    return (y != dropped_value).reshape(x.shape).flatten(2)[..., :1].reshape(shape) if shape != x.shape else y != dropped_value


def test_constants_match_the_paper_and_pytorch():
    assert SELU_LAMBDA == pytest.approx(1.0507009873554805, abs=1e-15)
    assert SELU_ALPHA == pytest.approx(1.6732632423543772, abs=1e-15)
    assert -ALPHA_PRIME == pytest.approx(1.7580993408473766, abs=1e-15)  # PyTorch's constant


@pytest.mark.parametrize("p", [0.05, 0.1, 0.3, 0.5])
def test_coefficients_match_keras_formula(p):
    a, b = alpha_dropout_coefficients(p)
    keras_a = ((1 - p) * (1 + p * ALPHA_PRIME**2)) ** -0.5
    assert a == pytest.approx(keras_a, rel=1e-14)
    assert b == pytest.approx(-keras_a * ALPHA_PRIME * p, rel=1e-14)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
@pytest.mark.parametrize("p", [0.1, 0.3, 0.5])
def test_equals_pytorch_bit_for_bit_given_its_mask(dtype, p):
    x = torch.randn(20_000, dtype=torch.float64).to(dtype)
    y = F.alpha_dropout(x, p, training=True)
    mask = y != _apply_alpha_mask(x, torch.zeros_like(x), p)
    assert torch.equal(alpha_dropout(x, p, mask=mask), y)
    x4 = torch.randn(16, 12, 3, 3, dtype=torch.float64).to(dtype)
    y4 = F.feature_alpha_dropout(x4, p, training=True)
    dropped = _apply_alpha_mask(x4, torch.zeros(16, 12, 1, 1, dtype=dtype), p)
    mask4 = (y4 != dropped).any(dim=(2, 3), keepdim=True)
    assert torch.equal(feature_alpha_dropout(x4, p, mask=mask4), y4)


@pytest.mark.parametrize("p", [0.1, 0.2])
def test_keeps_zero_mean_unit_variance_like_pytorch(p):
    n = 400_000
    x = torch.randn(n, dtype=torch.float64)
    for y in (alpha_dropout(x, p), nn.AlphaDropout(p)(x)):
        # the moments of a, b are exact: bounds of 6 standard errors of the sample mean and variance
        assert abs(y.mean().item()) < 6 * 1 / math.sqrt(n)
        assert abs(y.var().item() - 1) < 6 * math.sqrt(2.5 / n)
        a, b = alpha_dropout_coefficients(p)
        assert_fraction((y == a * ALPHA_PRIME + b).double().mean().item(), p, n, "drop fraction")


def test_wrong_constant_would_be_caught():
    """The variance bound above is tight: a map with unscaled survivors changes the variance far beyond it."""
    n, p = 400_000, 0.2
    x = torch.randn(n, dtype=torch.float64)
    mask = torch.rand(n) > p
    wrong = torch.where(mask, x, torch.full_like(x, ALPHA_PRIME))
    assert abs(wrong.var().item() - 1) > 6 * math.sqrt(2.5 / n)


def test_feature_variant_drops_whole_channels():
    x = torch.randn(64, 32, 5, dtype=torch.float64)
    y = FeatureAlphaDropout(0.5)(x)
    a, b = alpha_dropout_coefficients(0.5)
    dropped = y == a * ALPHA_PRIME + b
    assert (dropped.all(-1) | (~dropped).all(-1)).all()


def test_gradcheck_with_fixed_mask():
    x = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    mask = torch.rand(5, 4) > 0.3
    assert torch.autograd.gradcheck(lambda t: alpha_dropout(t, 0.3, mask=mask), (x,))
    x3 = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
    mask3 = torch.rand(2, 3, 1) > 0.3
    assert torch.autograd.gradcheck(lambda t: feature_alpha_dropout(t, 0.3, mask=mask3), (x3,))


def test_edge_cases_like_pytorch():
    x = torch.randn(100)
    assert alpha_dropout(x, 0.0) is x
    assert alpha_dropout(x, 0.5, training=False) is x
    assert torch.equal(AlphaDropout(0.5).eval()(x), x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = alpha_dropout(x, 1.0)
    assert torch.equal(y, F.alpha_dropout(x, 1.0, training=True))
    assert torch.equal(y, torch.zeros_like(x))
    before = x.clone()
    assert alpha_dropout(x.half(), 0.5).dtype == torch.float16
    assert torch.equal(x, before)


def test_bad_input_rejected():
    with pytest.raises(ValueError, match="between 0 and 1"):
        AlphaDropout(-0.5)
    with pytest.raises(ValueError, match=r"feature_alpha_dropout expects an input of shape \(N, C, \*\)"):
        feature_alpha_dropout(torch.ones(5), 0.5)


@pytest.mark.parametrize("function, mask_shape", [(alpha_dropout, (4, 3, 5)), (feature_alpha_dropout, (4, 3, 1))])
def test_inplace_writes_the_same_result_into_the_input(function, mask_shape):
    x = torch.randn(4, 3, 5, dtype=torch.float64)
    mask = torch.rand(mask_shape) > 0.3
    expected = function(x, 0.3, mask=mask)
    y = function(x, 0.3, True, True, mask=mask)
    assert y is x and torch.equal(x, expected)


def test_modules_take_inplace_like_pytorch():
    for ours, theirs in ((AlphaDropout, nn.AlphaDropout), (FeatureAlphaDropout, nn.FeatureAlphaDropout)):
        x = torch.randn(4, 3, 5)
        assert ours(0.2, True)(x) is x
        assert repr(ours(0.2, True)) == repr(theirs(0.2, True)).replace(theirs.__name__, ours.__name__)
