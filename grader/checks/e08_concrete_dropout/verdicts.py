"""Verdicts of e08_concrete_dropout."""

import math

import torch

from dropout_lib.concrete import concrete_dropout
from grader.checks.verdict_common import Z, as_tensor, assert_fraction


def verdict_test_parameters(obs):
    for init_p in ("0.1", "0.3"):
        run = obs[init_p]
        assert run["is_parameter"], "p_logit must be a torch.nn.Parameter, so that the rate is learned"
        assert "p_logit" in run["registered"], "p_logit must be registered as a parameter of the module"
        assert run["p_is_tensor"], "the property p must return a tensor (sigmoid of p_logit)"
        assert abs(float(run["p"]) - float(init_p)) < 1e-5, f"ConcreteDropout(init_p={init_p}).p must start at {init_p}"
        assert abs(float(torch.sigmoid(run["p_logit"])) - float(run["p"])) < 1e-6, "p must be sigmoid(p_logit)"
    assert abs(float(obs["default"]) - 0.1) < 1e-5, "the default init_p is 0.1"


def verdict_test_forward_statistics(obs):
    for temperature, y in obs.items():
        y = as_tensor(y, "the output")
        n = y.numel()
        assert float(y.min()) >= -1e-9 and float(y.max()) <= (1 / 0.7) * (1 + 1e-6), (
            "with x = 1 the output x(1-z)/(1-p) must lie in [0, 1/(1-p)]")
        # z > 1/2 exactly when u > 1-p: the relaxed indicator says 'dropped' with probability p at any temperature
        assert_fraction(float((y < 0.5 / 0.7).double().mean()), 0.3, n, f"at temperature {temperature} the fraction of mostly-dropped units")
        reference = concrete_dropout(torch.ones(n, dtype=torch.float64), torch.logit(torch.tensor(0.3, dtype=torch.float64)),
                                     float(temperature), generator=torch.Generator().manual_seed(0))
        se = math.sqrt((float(y.var()) + float(reference.var())) / n)
        assert abs(float(y.mean()) - float(reference.mean())) <= Z * se, (
            f"at temperature {temperature} the output mean is {float(y.mean()):.4f}, expected "
            f"{float(reference.mean()):.4f}: is the output x(1-z)/(1-p)?")
        for q in (0.2, 0.5, 1.0, 1.3):
            expected = float((reference < q).double().mean())
            se = math.sqrt(2 * max(expected * (1 - expected), 1e-4) / n)
            got = float((y < q).double().mean())
            assert abs(got - expected) <= Z * se, (
                f"at temperature {temperature} the outputs do not follow the Concrete relaxation: "
                f"P(y < {q}) is {got:.4f}, expected {expected:.4f}")


def verdict_test_gradient_to_rate(obs):
    g = obs["p_logit_grad"]
    assert g is not None, "the gradient must reach p_logit: build the mask from p with differentiable operations"
    assert torch.isfinite(g).all() and float(g.abs()) > 0, "the gradient with respect to p_logit must be finite and nonzero"
    assert obs["x_grad"] is not None and torch.isfinite(obs["x_grad"]).all(), "the gradient must reach the input too"


def verdict_test_eval_and_entropy(obs):
    assert torch.equal(obs["eval"], obs["x"]), "in evaluation mode ConcreteDropout is the identity"
    p = float(obs["p"])
    expected = -(p * math.log(p) + (1 - p) * math.log(1 - p))
    assert abs(float(obs["entropy"]) - expected) < 1e-5, "entropy() must be -(p log p + (1-p) log(1-p))"
