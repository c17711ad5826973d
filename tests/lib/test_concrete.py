import math

import pytest
import torch

from dropout_lib.concrete import ConcreteDropout, concrete_dropout, relaxed_drop_indicator
from tests.lib.stats import assert_fraction, assert_mean


def test_p_is_sigmoid_of_logit_and_init():
    layer = ConcreteDropout(init_p=0.25)
    assert isinstance(layer.p, torch.Tensor)
    assert layer.p.item() == pytest.approx(0.25, abs=1e-6)
    assert torch.equal(layer.p, torch.sigmoid(layer.p_logit))


def test_formula_with_fixed_noise_and_gradcheck():
    x = torch.randn(6, dtype=torch.float64, requires_grad=True)
    logit = torch.tensor(-1.0, dtype=torch.float64, requires_grad=True)
    u = torch.rand(6, dtype=torch.float64)
    p = torch.sigmoid(logit)
    eps = 1e-7
    z = torch.sigmoid((torch.log(p + eps) - torch.log(1 - p + eps) + torch.log(u + eps) - torch.log(1 - u + eps)) / 0.1)
    assert torch.allclose(concrete_dropout(x, logit, 0.1, u=u), x * (1 - z) / (1 - p), rtol=1e-14, atol=0)
    assert torch.autograd.gradcheck(lambda a, b: concrete_dropout(a, b, 0.5, u=u), (x, logit))


def test_drop_fraction_near_p_at_low_temperature_and_mean_preserved():
    n, p = 200_000, 0.3
    logit = torch.tensor(math.log(p / (1 - p)), dtype=torch.float64)
    y = concrete_dropout(torch.ones(n, dtype=torch.float64), logit, temperature=1e-3)
    assert_fraction((y < 0.5).double().mean().item(), p, n, "relaxed drop fraction")
    y = concrete_dropout(torch.ones(n, dtype=torch.float64), logit, temperature=0.1)
    assert_mean(y.mean().item(), 1.0, y.std().item(), n)
    z = relaxed_drop_indicator(torch.tensor(p, dtype=torch.float64), torch.rand(1000, dtype=torch.float64))
    assert ((z >= 0) & (z <= 1)).all() and ((z > 0.01) & (z < 0.99)).any()


def test_gradient_reaches_p_logit():
    layer = ConcreteDropout(init_p=0.2)
    (layer(torch.randn(100, 10)) ** 2).sum().backward()
    assert layer.p_logit.grad is not None and layer.p_logit.grad.abs() > 0


def test_entropy_and_regularizer():
    layer = ConcreteDropout(init_p=0.3)
    assert layer.entropy().item() == pytest.approx(-(0.3 * math.log(0.3) + 0.7 * math.log(0.7)), rel=1e-5)
    reg = layer.regularizer(torch.tensor(2.0), input_dim=10, weight_regularizer=1e-2, dropout_regularizer=1e-3)
    assert reg.item() == pytest.approx(1e-2 * 2.0 / 0.7 - 1e-3 * 10 * layer.entropy().item(), rel=1e-5)


def test_eval_identity_and_bad_arguments():
    x = torch.randn(5)
    assert torch.equal(ConcreteDropout().eval()(x), x)
    for bad in (0.0, 1.0):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            ConcreteDropout(init_p=bad)
    with pytest.raises(ValueError, match="between 0 and 1"):
        ConcreteDropout(init_p=1.5)
    with pytest.raises(ValueError, match="temperature must be positive"):
        ConcreteDropout(temperature=0.0)
