"""Verdicts of e07_gaussian_dropout."""

import math

import torch

from dropout_lib.gaussian import gaussian_noise_std
from grader.checks.verdict_common import Z, as_tensor, assert_fraction, assert_mean

# N(0, 1) probabilities of |z| < 1 and |z| < 2
WITHIN_ONE_SIGMA, WITHIN_TWO_SIGMA = math.erf(1 / math.sqrt(2)), math.erf(2 / math.sqrt(2))


def verdict_test_noise_moments(obs):
    for run in obs:
        p, noise = run["p"], as_tensor(run["y"], "the output") / run["x"]
        var, n = gaussian_noise_std(p) ** 2, noise.numel()
        assert_mean(float(noise.mean()), 1.0, math.sqrt(var), n, f"with p={p} the mean of the noise")
        got = float(noise.var())
        allowed = Z * var * math.sqrt(2 / (n - 1))  # the standard error of a normal sample's variance
        if abs(got - var * var) < abs(got - var):
            raise AssertionError(f"with p={p} the noise variance is {got:.4f} = (p/(1-p))^2: p/(1-p) is the noise's "
                                 "VARIANCE, so its standard deviation is sqrt(p/(1-p))")
        assert abs(got - var) <= allowed, f"with p={p} the noise variance is {got:.4f}, but must be p/(1-p) = {var:.4f}"


def verdict_test_noise_is_gaussian(obs):
    x, y = obs["x"], as_tensor(obs["y"], "the output")
    assert obs["unchanged"], "gaussian_dropout must not modify its input: compute a new tensor"
    assert y.shape == x.shape, "the output must have the input's shape"
    noise, n = y / x, y.numel()
    assert float((noise == 0).double().mean()) < 1e-3, "Gaussian dropout multiplies by Gaussian noise; it drops nothing"
    spread = (noise - 1).abs() / gaussian_noise_std(obs["p"])  # in standard deviations
    assert_fraction(float((spread < 1).double().mean()), WITHIN_ONE_SIGMA, n,
                    "the fraction of the noise y/x within one sigma of 1 (the noise must multiply x)")
    assert_fraction(float((spread < 2).double().mean()), WITHIN_TWO_SIGMA, n,
                    "the fraction of the noise y/x within two sigma of 1 (the noise must be Gaussian)")
    above = noise > 1
    assert_fraction(float((above[0::2] & above[1::2]).double().mean()), 0.25, n // 2,
                    "the fraction of neighbours both above 1 (the noise must be independent per element)")
    above = as_tensor(obs["matrix"], "the output") > 1
    assert_fraction(float((above[0::2] & above[1::2]).double().mean()), 0.25, above[0::2].numel(),
                    "the fraction of two rows' noise both above 1 (every element needs its own noise)")
    assert_fraction(float((above[:, 0::2] & above[:, 1::2]).double().mean()), 0.25, above[:, 0::2].numel(),
                    "the fraction of two columns' noise both above 1 (every element needs its own noise)")
    again = as_tensor(obs["again"], "the output") / x
    both = float(((noise > 1) & (again > 1)).double().mean())
    if both > 0.45:
        raise AssertionError("every call must draw new noise: two calls gave the same noise")
    assert_fraction(both, 0.25, n, "the fraction of elements above 1 in two calls (every call must draw new noise)")


def verdict_test_eval_and_edge_cases(obs):
    x = obs["x"]
    assert torch.equal(as_tensor(obs["eval"], "the output"), x), "with training=False gaussian dropout is the identity"
    assert torch.equal(as_tensor(obs["p0"], "the output"), x), "with p=0 the noise has variance 0: the identity"
    assert not torch.equal(as_tensor(obs["default_training"], "the output"), x), "training defaults to True"
    assert obs["grad"] is not None, "the gradient must flow back to the input: use differentiable tensor operations"
    assert torch.allclose(obs["grad"], obs["upstream"] * obs["y"] / x, rtol=1e-9), (
        "the gradient is the upstream gradient times the noise that multiplied x")
    assert obs["float32"].dtype == torch.float32, (
        f"the output must keep the input's dtype: float32 in, {obs['float32'].dtype} out")
    assert obs["shape"] == [20, 25], "the output must have the input's shape"
