import math

import pytest
import torch

from dropout_lib.concrete import ConcreteDropout, concrete_dropout, relaxed_drop_indicator
from tests.lib.stats import assert_mean

EPS = 1e-7


def logit(p):
    return torch.tensor(math.log(p / (1 - p)), dtype=torch.float64)


def reference_output(x, p, u, temperature):
    """The formula of Gal, Hron & Kendall (2017) as written in their code, eps = 1e-7."""
    z = torch.sigmoid((math.log(p + EPS) - math.log(1 - p + EPS) + torch.log(u + EPS) - torch.log(1 - u + EPS))
                      / temperature)
    return x * (1 - z) / (1 - p)


def test_p_is_the_sigmoid_of_a_learnable_logit():
    layer = ConcreteDropout(init_p=0.25)
    assert isinstance(layer.p, torch.Tensor) and layer.p.requires_grad
    assert layer.p.item() == pytest.approx(0.25, abs=1e-7)
    assert torch.equal(layer.p, torch.sigmoid(layer.p_logit))
    assert [name for name, _ in layer.named_parameters()] == ["p_logit"]
    assert ConcreteDropout().p.item() == pytest.approx(0.1, abs=1e-7) and ConcreteDropout().temperature == 0.1


def test_formula_with_fixed_noise():
    x = torch.randn(1000, dtype=torch.float64)
    u = torch.rand(1000, dtype=torch.float64)
    for p, t in ((0.3, 0.1), (0.7, 0.5)):
        torch.testing.assert_close(concrete_dropout(x, logit(p), t, u=u), reference_output(x, p, u, t),
                                   rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("temperature", [0.1, 0.5])
def test_gradcheck_with_fixed_noise(temperature):
    x = torch.randn(6, dtype=torch.float64, requires_grad=True)
    p_logit = torch.tensor(-1.0, dtype=torch.float64, requires_grad=True)
    u = torch.linspace(0.05, 0.95, 6, dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda a, b: concrete_dropout(a, b, temperature, u=u), (x, p_logit))


def test_relaxed_indicator_lies_in_the_unit_interval():
    u = torch.rand(100_000, dtype=torch.float64)
    z = relaxed_drop_indicator(torch.tensor(0.3, dtype=torch.float64), u, temperature=1.0)
    assert ((z > 0) & (z < 1)).all()  # strictly inside at a moderate temperature
    z = relaxed_drop_indicator(torch.tensor(0.3, dtype=torch.float64), u, temperature=0.1)
    assert ((z >= 0) & (z <= 1)).all()  # a floating-point sigmoid may round to 0 or 1 when t is small
    assert ((z > 0.01) & (z < 0.99)).any()


def test_low_temperature_gives_a_bernoulli_p_drop():
    n, p = 200_000, 0.3
    u = torch.rand(n, dtype=torch.float64)
    z = relaxed_drop_indicator(torch.tensor(p, dtype=torch.float64), u, temperature=1e-3)
    # as t -> 0, z -> 1[u > 1 - p] except within a sliver around the threshold (about 0.3 % of u here)
    assert ((z - (u > 1 - p).double()).abs() > 1e-3).double().mean() < 0.01
    assert_mean(z.mean().item(), p, math.sqrt(p * (1 - p)), n, "drop fraction at t = 0.001")
    # at t = 1 the relaxation is far from Bernoulli(p): its mean is about 0.362 (the test has the power to see it)
    z1 = relaxed_drop_indicator(torch.tensor(p, dtype=torch.float64), u, temperature=1.0)
    assert abs(z1.mean().item() - p) > 6 * z1.std().item() / math.sqrt(n)


def test_mean_preserved():
    n, p = 200_000, 0.3
    x = torch.full((n,), 2.0, dtype=torch.float64)
    y = concrete_dropout(x, logit(p), temperature=0.01)
    assert_mean(y.mean().item(), 2.0, y.std().item(), n, "mean at t = 0.01")
    # at t = 0.1 the mean is preserved to 0.2 %: E[y] = 2 * 0.99806 (quadrature over u)
    y = concrete_dropout(x, logit(p), temperature=0.1)
    u_grid = (torch.arange(1_000_000, dtype=torch.float64) + 0.5) / 1_000_000
    exact = reference_output(torch.tensor(2.0, dtype=torch.float64), p, u_grid, 0.1).mean().item()
    assert exact == pytest.approx(2.0, rel=3e-3)
    assert_mean(y.mean().item(), exact, y.std().item(), n, "mean at t = 0.1")


def test_p_logit_gets_a_nonzero_gradient():
    layer = ConcreteDropout(init_p=0.2)
    (layer(torch.randn(100, 10)) ** 2).sum().backward()
    assert layer.p_logit.grad is not None and layer.p_logit.grad.abs() > 0


def test_entropy_and_regularizer():
    layer = ConcreteDropout(init_p=0.3).double()
    p = layer.p.item()  # 0.3 up to the float32 rounding of the initial logit
    assert p == pytest.approx(0.3, abs=1e-7)
    assert layer.entropy().item() == pytest.approx(-(p * math.log(p) + (1 - p) * math.log(1 - p)), rel=1e-12)
    reg = layer.regularizer(torch.tensor(2.0, dtype=torch.float64), input_dim=10,
                            weight_regularizer=1e-2, dropout_regularizer=1e-3)
    expected = 1e-2 * 2.0 / (1 - p) + 1e-3 * 10 * (p * math.log(p) + (1 - p) * math.log(1 - p))
    assert reg.item() == pytest.approx(expected, rel=1e-12)
    reg.backward()
    assert layer.p_logit.grad.abs() > 0  # the regularizer trains the rate too


def test_eval_identity_dtype_and_input_not_modified():
    x = torch.randn(5, 3)
    before = x.clone()
    assert ConcreteDropout().eval()(x) is x
    y = ConcreteDropout()(x)
    assert y.dtype == torch.float32 and y.shape == x.shape and torch.equal(x, before)
    assert ConcreteDropout().double()(x.double()).dtype == torch.float64
    assert concrete_dropout(x.double(), -2.0).dtype == torch.float64  # a float logit is accepted
    assert concrete_dropout(torch.ones(0, 3), 0.0).shape == (0, 3)
    assert repr(ConcreteDropout(init_p=0.25)) == "ConcreteDropout(p=0.2500, temperature=0.1)"


def test_bad_arguments_rejected():
    for bad in (0.0, 1.0):
        with pytest.raises(ValueError, match=f"init_p must be strictly between 0 and 1 .*but got {bad}"):
            ConcreteDropout(init_p=bad)
    with pytest.raises(ValueError, match="init_p has to be between 0 and 1, but got 1.5"):
        ConcreteDropout(init_p=1.5)
    with pytest.raises(ValueError, match="temperature must be positive, but got 0.0"):
        ConcreteDropout(temperature=0.0)
    with pytest.raises(ValueError, match="temperature must be positive, but got -1"):
        concrete_dropout(torch.ones(3), 0.0, temperature=-1)
    with pytest.raises(ValueError, match=r"noise u broadcastable to \(3,\), but got shape \(4,\)"):
        concrete_dropout(torch.ones(3), 0.0, u=torch.rand(4))
