import pytest
import torch
from torch import nn

from dropout_lib.dropconnect import DropConnectLinear, dropconnect_linear
from tests.lib.stats import assert_fraction


def test_initialised_exactly_like_nn_linear():
    torch.manual_seed(7)
    ref = nn.Linear(13, 5)
    torch.manual_seed(7)
    ours = DropConnectLinear(13, 5)
    assert torch.equal(ours.weight, ref.weight) and torch.equal(ours.bias, ref.bias)
    assert DropConnectLinear(3, 2, bias=False).bias is None


def test_one_mask_shared_by_the_batch():
    layer = DropConnectLinear(10, 6, p=0.5)
    x = torch.randn(1, 10).expand(64, 10)
    y = layer(x)
    # identical input rows give identical outputs (up to the matmul's rounding): one mask per call
    assert torch.allclose(y, y[:1].expand_as(y), rtol=0, atol=1e-5)
    per_row = torch.stack([layer(x[:1])[0] for _ in range(64)])  # 64 calls: 64 different masks
    assert not torch.allclose(per_row, per_row[:1].expand_as(per_row), rtol=0, atol=1e-2)


def test_given_mask_exact_and_bias_never_dropped():
    w, b = torch.randn(4, 3, dtype=torch.float64), torch.randn(4, dtype=torch.float64)
    x = torch.randn(5, 3, dtype=torch.float64)
    mask = torch.rand(4, 3) > 0.4
    y = dropconnect_linear(x, w, b, 0.4, mask=mask)
    assert torch.allclose(y, x @ (w * mask / 0.6).T + b, rtol=0, atol=1e-12)
    zero = dropconnect_linear(x, w, b, 0.4, mask=torch.zeros(4, 3))
    assert torch.equal(zero, b.expand(5, 4))


def test_weights_dropped_at_rate_p_and_expectation_is_eval_output():
    torch.manual_seed(0)
    layer = DropConnectLinear(20, 10, p=0.3).double()
    x = torch.randn(8, 20, dtype=torch.float64)
    outs = torch.stack([layer(x) for _ in range(4000)])
    layer.eval()
    eval_out = layer(x)
    se = outs.std(0) / 4000**0.5
    assert ((outs.mean(0) - eval_out).abs() <= 6 * se).all()
    w_eff = dropconnect_linear(torch.eye(20, dtype=torch.float64), layer.weight, None, 0.3, True)
    assert_fraction((w_eff == 0).double().mean().item(), 0.3, 200, "weight drop fraction")


def test_any_leading_shape_and_gradcheck():
    layer = DropConnectLinear(4, 3, p=0.5)
    assert layer(torch.randn(2, 5, 4)).shape == (2, 5, 3)
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    w = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
    b = torch.randn(2, dtype=torch.float64, requires_grad=True)
    mask = torch.rand(2, 4) > 0.5
    assert torch.autograd.gradcheck(lambda x, w, b: dropconnect_linear(x, w, b, 0.5, mask=mask), (x, w, b))


def test_eval_p0_p1():
    layer = DropConnectLinear(4, 3, p=1.0)
    x = torch.randn(2, 4)
    assert torch.equal(layer(x), layer.bias.expand(2, 3))
    layer.eval()
    assert torch.allclose(layer(x), x @ layer.weight.T + layer.bias)
    p0 = DropConnectLinear(4, 3, p=0.0)
    assert torch.allclose(p0(x), x @ p0.weight.T + p0.bias)


def test_bad_input_rejected():
    with pytest.raises(ValueError, match="between 0 and 1"):
        DropConnectLinear(3, 2, p=2.0)
    with pytest.raises(ValueError, match=r"expects an input of shape \(\*, 3\)"):
        DropConnectLinear(3, 2)(torch.ones(4, 5))
