"""Verdicts of e08_concrete_dropout.

The interface hides the noise u, so the relaxed mask is judged by its distribution: the outputs of a layer fed with
ones are compared, at several thresholds, with outputs of the reference drawn in the judge; the gradient that
reaches p_logit is compared with its expectation under the reference; entropy() is exact.
"""

import math

import torch

from dropout_lib.concrete import concrete_dropout
from grader.checks.verdict_common import Z, as_tensor, assert_fraction

REFERENCE_DRAWS = 400_000


def logit(p):
    return math.log(p) - math.log(1 - p)


def reference_outputs(p, temperature, n=REFERENCE_DRAWS, seed=0):
    ones = torch.ones(n, dtype=torch.float64)
    return concrete_dropout(ones, logit(p), temperature, generator=torch.Generator().manual_seed(seed))


def check_rate(rate, expected, what):
    assert rate["is_tensor"], f"{what}: the property p must return a tensor, sigmoid(p_logit), not a Python number"
    assert rate["requires_grad"], (
        f"{what}: p must be computed from p_logit with tensor operations (torch.sigmoid(self.p_logit)), so that a "
        "loss on p reaches p_logit; yours carries no gradient")
    value = float(rate["value"])
    assert abs(value - expected) < 1e-5, f"{what}: p should be {expected:.6f}, but it is {value:.6f}"


def verdict_test_parameters(obs):
    for run in obs["runs"]:
        p = init_p = run["init_p"]
        assert run["is_parameter"], "p_logit must be a torch.nn.Parameter, so that an optimizer learns the rate"
        assert "p_logit" in run["registered"], "p_logit must be registered as a parameter of the module"
        assert run["p_logit"].numel() == 1, "p_logit holds one number: the logit of the layer's single rate"
        got = float(run["p_logit"])
        if abs(got - p) < 1e-5:
            raise AssertionError("p_logit is the LOGIT of the rate: start it at log(p) - log(1-p), not at init_p")
        assert abs(got - logit(p)) < 1e-4, (
            f"ConcreteDropout(init_p={init_p}).p_logit should start at log(p/(1-p)) = {logit(p):.5f}, not {got:.5f}")
        check_rate(run["rate"], p, f"ConcreteDropout(init_p={init_p})")
    check_rate(obs["default"], 0.1, "ConcreteDropout() (the default init_p is 0.1)")
    after = obs["after_update"]
    assert after["moved"] == "ok", "p_logit must be a tensor whose value an optimizer can change"
    check_rate(after["rate"], 1 / (1 + math.exp(-after["p_logit"])),
               f"after p_logit changed to {after['p_logit']}, as an optimizer step changes it, p must follow: "
               "compute p from p_logit every time it is asked for, not once in __init__")


def check_distribution(y, p, temperature):
    """``y``: the layer's outputs for an input of ones; they must follow the reference's law."""
    n, keep_scale = y.numel(), 1 / (1 - p)
    where = f"with init_p={p} and temperature={temperature}"
    assert bool(torch.isfinite(y).all()), f"{where} the output contains NaN or inf: guard the logarithms of u and 1-u"
    assert float(y.min()) >= -1e-6 and float(y.max()) <= keep_scale * (1 + 1e-5), (
        f"{where} and x = 1, the output x(1-z)/(1-p) must lie in [0, 1/(1-p)] = [0, {keep_scale:.4f}]; yours spans "
        f"[{float(y.min()):.4f}, {float(y.max()):.4f}]")
    assert float(y.std()) > 0, (
        f"{where} every element got the same factor: draw one u per element (torch.rand(x.shape))")
    # z > 1/2 exactly when u > 1-p: the relaxed indicator says 'mostly dropped' with probability p at any temperature
    mostly_dropped = float((y < 0.5 * keep_scale).double().mean())
    if abs(mostly_dropped - (1 - p)) < abs(mostly_dropped - p):
        raise AssertionError(
            f"{where} a fraction {mostly_dropped:.3f} of the units is mostly dropped, about 1-p instead of p: z is the "
            "DROP indicator, so its logit is log p - log(1-p) + log u - log(1-u), and the output keeps x(1-z)")
    assert_fraction(mostly_dropped, p, n, f"{where} the fraction of mostly dropped units (z > 1/2)")
    reference = reference_outputs(p, temperature)
    se = math.sqrt(float(y.var()) / n + float(reference.var()) / reference.numel())
    mean, expected = float(y.mean()), float(reference.mean())
    assert abs(mean - expected) <= Z * se, (
        f"{where} the output's mean is {mean:.4f}, but the relaxation gives {expected:.4f} (close to the input, 1, "
        "at low temperatures): rescale by 1/(1-p), and divide the logit by the layer's own temperature")
    for fraction in (0.05, 0.25, 0.5, 0.75, 0.95):
        q = fraction * keep_scale
        want = float((reference < q).double().mean())
        got = float((y < q).double().mean())
        se = math.sqrt(max(want * (1 - want), 1e-4) * (1 / n + 1 / reference.numel()))
        assert abs(got - want) <= Z * se, (
            f"{where} the outputs do not follow the Concrete relaxation: P(y < {q:.3f}) is {got:.4f}, expected "
            f"{want:.4f}. Is z = sigmoid((log p - log(1-p) + log u - log(1-u)) / temperature), with the layer's "
            "temperature, and y = x(1-z)/(1-p)?")


def verdict_test_forward_statistics(obs):
    for run in obs["runs"]:
        check_distribution(as_tensor(run["y"], "the output").double().reshape(-1), run["init_p"], run["temperature"])
    calls = obs["calls"]
    x, first, second = calls["x"], as_tensor(calls["first"], "the output"), as_tensor(calls["second"], "the output")
    assert torch.equal(calls["x_after"], x), "forward must not modify its input: compute a new tensor"
    assert first.shape == x.shape, f"the output must keep the input's shape {tuple(x.shape)}, not {tuple(first.shape)}"
    factor = (first / x).double()
    assert float(factor.min()) >= -1e-6 and float(factor.max()) <= (1 / (1 - calls["init_p"])) * (1 + 1e-5), (
        "each output element must be its input times a factor (1-z)/(1-p) in [0, 1/(1-p)]")
    assert not torch.allclose(first, second), "every forward call must draw new noise u"


def verdict_test_gradient_to_rate(obs):
    grad = obs["p_logit_grad"]
    assert grad is not None, (
        "no gradient reached p_logit: build z from p = sigmoid(p_logit) with differentiable tensor operations (no "
        ".item(), no hard Bernoulli mask, no detach)")
    grad = float(grad)
    assert math.isfinite(grad), "the gradient with respect to p_logit must be finite: guard the logarithms"
    y, x_grad = obs["y"], obs["x_grad"]
    assert x_grad is not None, "the gradient must reach the input x too"
    assert torch.allclose(x_grad.double(), 2 * y.double() ** 2, rtol=1e-5, atol=1e-8), (
        "the output must be x times the factor (1-z)/(1-p), differentiable in x")
    # the loss is a sum of independent terms, one per element: compare with the reference's expected gradient
    n = y.numel()
    p_logit = torch.full((REFERENCE_DRAWS,), float(obs["p_logit"]), dtype=torch.float64, requires_grad=True)
    ones = torch.ones(REFERENCE_DRAWS, dtype=torch.float64)
    (concrete_dropout(ones, p_logit, 0.1, generator=torch.Generator().manual_seed(1)) ** 2).sum().backward()
    per_element = p_logit.grad
    expected = n * float(per_element.mean())
    se = math.sqrt(n * float(per_element.var()) * (1 + n / REFERENCE_DRAWS))
    assert abs(grad - expected) <= Z * se, (
        f"for x = 1 (50,000 elements) and the loss sum(y^2), the gradient with respect to p_logit is {grad:.1f}, but "
        f"should be close to {expected:.1f} (allowed ±{Z * se:.1f}): p must enter both the relaxed mask z and the "
        "scale 1/(1-p)")


def verdict_test_eval_and_entropy(obs):
    x = obs["x"]
    assert isinstance(obs["eval"], torch.Tensor) and torch.equal(obs["eval"], x), (
        "in evaluation mode (after .eval()) ConcreteDropout is the identity")
    assert not torch.equal(obs["train_again"], x), "after .train() the layer must drop again"
    for record in obs["entropies"]:
        p = 1 / (1 + math.exp(-float(record["p_logit"])))
        expected = -(p * math.log(p) + (1 - p) * math.log(1 - p))
        value = record["value"]
        assert value.numel() == 1, "entropy() returns one number, the entropy of the layer's rate"
        got = float(value)
        if abs(got + expected) < 1e-5:
            raise AssertionError("the entropy is -(p log p + (1-p) log(1-p)), which is positive: mind the sign")
        if abs(got - expected / math.log(2)) < 1e-5:
            raise AssertionError("the entropy uses the natural logarithm (torch.log), not log2")
        assert abs(got - expected) < 1e-5, (
            f"entropy() at p={p:.2f} should be -(p log p + (1-p) log(1-p)) = {expected:.6f}, not {got:.6f}")
        assert record["is_tensor"], "entropy() must return a tensor computed from p, so that it can enter the loss"
        assert record["backward"] == "ok" and record["grad"] is not None, (
            "entropy() must be differentiable with respect to p_logit: it enters the loss as a regularizer")
        expected_grad = p * (1 - p) * math.log((1 - p) / p)
        assert abs(float(record["grad"]) - expected_grad) < 1e-4, (
            f"the gradient of entropy() with respect to p_logit at p={p:.2f} should be {expected_grad:.5f}, not "
            f"{float(record['grad']):.5f}: compute the entropy from p = sigmoid(p_logit)")
