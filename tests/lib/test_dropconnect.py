import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dropout_lib.dropconnect import (DropConnectLinear, dropconnect_linear, dropconnect_linear_per_example,
                                     dropconnect_weight)
from dropout_lib.dropout import keep_mask
from dropout_lib.mc import mc_samples
from tests.lib.stats import assert_fraction


def draw_mask(shape, p, seed):
    """The keep mask the layer draws from a generator seeded with ``seed``."""
    return keep_mask(shape, p, like=torch.empty(0, dtype=torch.float64), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("bias", [True, False])
def test_initialised_exactly_like_nn_linear_with_the_same_random_draws(bias):
    torch.manual_seed(7)
    ref = nn.Linear(13, 5, bias=bias)
    after_ref = torch.rand(3)
    torch.manual_seed(7)
    ours = DropConnectLinear(13, 5, bias=bias)
    assert torch.equal(torch.rand(3), after_ref)  # same number of draws consumed
    assert torch.equal(ours.weight, ref.weight)
    assert (ours.bias is None) if not bias else torch.equal(ours.bias, ref.bias)
    assert ours.weight.shape == (5, 13)


def test_one_mask_shared_by_every_row_of_the_batch_exactly():
    layer = DropConnectLinear(6, 4, p=0.5).double()
    # one-hot rows make the product exact: row i of the output is column i of the effective weight
    x = torch.eye(6, dtype=torch.float64).repeat(3, 1)
    y = layer(x, generator=torch.Generator().manual_seed(3)) - layer.bias
    effective = layer.weight * (draw_mask((4, 6), 0.5, seed=3) / 0.5)
    assert torch.equal(y, effective.T.repeat(3, 1))
    assert 0 < (effective == 0).sum() < effective.numel()  # the mask did drop some, not all


def test_given_mask_bit_exact_and_bias_never_dropped():
    w, b = torch.randn(4, 3, dtype=torch.float64), torch.randn(4, dtype=torch.float64)
    x = torch.randn(5, 3, dtype=torch.float64)
    mask = torch.rand(4, 3) > 0.4
    assert torch.equal(dropconnect_linear(x, w, b, 0.4, mask=mask), F.linear(x, w * (mask.double() / 0.6), b))
    assert torch.equal(dropconnect_linear(x, w, b, 0.4, mask=torch.zeros(4, 3)), b.expand(5, 4))
    assert torch.equal(dropconnect_linear(x, w, b, 1.0), b.expand(5, 4))


def test_weights_dropped_at_rate_p_with_inverted_scaling():
    w = torch.randn(200, 300, dtype=torch.float64)
    dropped = dropconnect_weight(w, 0.3)
    kept = dropped != 0
    assert_fraction(1 - kept.double().mean().item(), 0.3, w.numel(), "weight drop fraction")
    assert torch.equal(dropped[kept], w[kept] * (1 / 0.7))


def test_mean_over_masks_is_the_eval_output():
    layer = DropConnectLinear(20, 10, p=0.3).double()
    x = torch.randn(8, 20, dtype=torch.float64)
    outs = torch.stack([layer(x) for _ in range(300)])
    eval_out = layer.eval()(x)
    se = outs.std(0) / math.sqrt(300)
    assert ((outs.mean(0) - eval_out).abs() <= 6 * se).all()
    # the bound is tight enough to reject a layer that forgets the 1/(1-p) rescaling
    unscaled_mean = (eval_out - layer.bias) * 0.7 + layer.bias
    assert ((outs.mean(0) - unscaled_mean).abs() > 6 * se).any()


def test_any_leading_shape():
    layer = DropConnectLinear(4, 3, p=0.5)
    x = torch.randn(2, 5, 4)
    mask = torch.rand(3, 4) > 0.5
    y = dropconnect_linear(x, layer.weight, layer.bias, 0.5, mask=mask)
    assert y.shape == (2, 5, 3)
    assert torch.allclose(y.reshape(10, 3), dropconnect_linear(x.reshape(10, 4), layer.weight, layer.bias, 0.5,
                                                               mask=mask), rtol=0, atol=1e-6)
    assert layer(torch.randn(4)).shape == (3,)
    assert layer(torch.randn(0, 4)).shape == (0, 3)


def test_gradcheck_with_a_fixed_mask():
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    w = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
    b = torch.randn(2, dtype=torch.float64, requires_grad=True)
    mask = torch.rand(2, 4) > 0.5
    assert torch.autograd.gradcheck(lambda x, w, b: dropconnect_linear(x, w, b, 0.5, mask=mask), (x, w, b))
    dropconnect_linear(x, w, b, 0.5, mask=mask).sum().backward()
    assert torch.equal(w.grad == 0, ~mask.expand_as(w) | (x.sum(0) == 0).expand_as(w))
    assert torch.equal(b.grad, torch.full((2,), 3.0, dtype=torch.float64))  # the bias always gets its gradient


def test_eval_and_p0_are_the_plain_layer_p1_leaves_the_bias():
    x = torch.randn(2, 4)
    p0 = DropConnectLinear(4, 3, p=0.0)
    assert torch.equal(p0(x), F.linear(x, p0.weight, p0.bias))
    layer = DropConnectLinear(4, 3, p=1.0)
    y = layer(x)
    assert torch.equal(y, layer.bias.expand(2, 3))
    y.sum().backward()
    assert torch.equal(layer.weight.grad, torch.zeros(3, 4))  # zeros, not NaN
    assert torch.equal(layer.eval()(x), F.linear(x, layer.weight, layer.bias))


def test_dtype_kept_and_input_not_modified():
    layer = DropConnectLinear(4, 3, p=0.5, dtype=torch.float64)
    x = torch.randn(5, 4, dtype=torch.float64)
    before = x.clone()
    assert layer(x).dtype == torch.float64
    assert torch.equal(x, before)
    assert DropConnectLinear(4, 3).to(torch.bfloat16)(x.bfloat16()).dtype == torch.bfloat16
    assert repr(layer) == "DropConnectLinear(in_features=4, out_features=3, p=0.5, bias=True)"


def test_bad_input_rejected():
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 2.0"):
        DropConnectLinear(3, 2, p=2.0)
    with pytest.raises(ValueError, match="between 0 and 1, but got nan"):
        dropconnect_linear(torch.ones(1, 3), torch.ones(2, 3), p=float("nan"))
    with pytest.raises(ValueError, match=r"expects an input of shape \(\*, 3\), but got shape \(4, 5\)"):
        DropConnectLinear(3, 2)(torch.ones(4, 5))
    with pytest.raises(ValueError, match=r"expects a 2-D weight \(out, in\), but got shape \(3,\)"):
        dropconnect_linear(torch.ones(2, 3), torch.ones(3))
    with pytest.raises(ValueError, match=r"mask broadcastable to \(2, 3\) \(the weight's shape\), but got shape \(3, 2\)"):
        dropconnect_linear(torch.ones(2, 3), torch.ones(2, 3), mask=torch.ones(3, 2))


def test_per_example_masks_weights_and_bias_independently_for_each_example_exactly():
    w, b = torch.randn(4, 6, dtype=torch.float64), torch.randn(4, dtype=torch.float64)
    x = torch.eye(6, dtype=torch.float64).repeat(3, 1)  # one-hot rows: row n of y is a column of example n's weight
    y = dropconnect_linear_per_example(x, w, b, 0.5, generator=torch.Generator().manual_seed(5))
    g = torch.Generator().manual_seed(5)
    weight_masks = keep_mask((18, 4, 6), 0.5, like=w, generator=g)
    bias_masks = keep_mask((18, 4), 0.5, like=b, generator=g)
    expected = (weight_masks * w)[torch.arange(18), :, torch.arange(18) % 6] / 0.5 + bias_masks * b / 0.5
    assert torch.equal(y, expected)
    # the same input row, three times in the batch, meets three different masks (the shared form gives one)
    assert not torch.equal(weight_masks[0], weight_masks[6]) and not torch.equal(bias_masks[0], bias_masks[6])


def test_per_example_bias_dropped_at_rate_p_and_mean_is_the_eval_output():
    layer = DropConnectLinear(20, 10, p=0.3, per_example=True).double()
    zeros = torch.zeros(2000, 20, dtype=torch.float64)
    kept = layer(zeros) != 0  # with a zero input the output is the dropped bias
    assert_fraction(1 - kept.double().mean().item(), 0.3, kept.numel(), "bias drop fraction")
    x = torch.randn(8, 20, dtype=torch.float64)
    outs = layer(x.repeat(300, 1)).reshape(300, 8, 10)
    eval_out = layer.eval()(x)
    se = outs.std(0) / math.sqrt(300)
    assert ((outs.mean(0) - eval_out).abs() <= 6 * se).all()
    assert ((outs.mean(0) - 0.7 * eval_out).abs() > 6 * se).any()  # a missing 1/(1-p) would be caught


def test_per_example_module_shapes_gradients_and_batched_mc():
    layer = DropConnectLinear(4, 3, p=0.5, per_example=True)
    assert not layer.mask_shared_across_batch and DropConnectLinear(4, 3).mask_shared_across_batch
    assert repr(layer) == "DropConnectLinear(in_features=4, out_features=3, p=0.5, bias=True, per_example=True)"
    assert layer(torch.randn(2, 5, 4)).shape == (2, 5, 3) and layer(torch.randn(4)).shape == (3,)
    layer(torch.randn(6, 4)).sum().backward()
    assert layer.weight.grad.shape == (3, 4) and layer.bias.grad.shape == (3,)
    assert mc_samples(nn.Sequential(layer), torch.randn(5, 4), n_samples=7, batched=True).shape == (7, 5, 3)
    x = torch.randn(5, 4)
    assert torch.equal(layer.eval()(x), F.linear(x, layer.weight, layer.bias))
    assert torch.equal(dropconnect_linear_per_example(x, layer.weight, layer.bias, p=1.0), torch.zeros(5, 3))
    with pytest.raises(ValueError, match=r"dropconnect_linear_per_example expects an input of shape \(\*, 4\), "
                                         r"but got shape \(5, 3\)"):
        dropconnect_linear_per_example(torch.ones(5, 3), layer.weight)
    with pytest.raises(ValueError, match="between 0 and 1, but got -0.1"):
        dropconnect_linear_per_example(x, layer.weight, p=-0.1)
