"""Verdicts of e07_gaussian_dropout."""

import math

import torch

from grader.checks.verdict_common import Z, as_tensor, assert_fraction, assert_mean


def verdict_test_noise_moments(obs):
    for key, noise in obs.items():
        p = float(key[1:])
        noise = as_tensor(noise, "the output")
        var, n = p / (1 - p), noise.numel()
        assert_mean(float(noise.mean()), 1.0, math.sqrt(var), n, f"with p={p} the mean of the noise")
        got = float(noise.var())
        if abs(got - math.sqrt(var)) < 1e-2 * var and abs(got - var) > Z * var * math.sqrt(2 / n):
            raise AssertionError("p/(1-p) is the noise's VARIANCE: its standard deviation is sqrt(p/(1-p))")
        assert abs(got - var) <= Z * var * math.sqrt(2 / n), (
            f"with p={p} the noise variance is {got:.4f}, but must be p/(1-p) = {var:.4f}")


def verdict_test_noise_is_gaussian(obs):
    x, y = obs["x"], obs["y"]
    assert obs["unchanged"], "gaussian_dropout must not modify its input"
    noise = y / x
    n = noise.numel()
    assert float((noise == 0).double().mean()) < 1e-3, "Gaussian dropout multiplies by Gaussian noise; it drops nothing"
    z = (noise - 1) / 1.0  # p = 0.5: sigma = 1
    assert_fraction(float((z.abs() < 1).double().mean()), 0.682689, n, "the fraction of noise within one sigma of 1")
    assert_fraction(float((z.abs() < 2).double().mean()), 0.954500, n, "the fraction of noise within two sigma of 1")
    assert_fraction(float((noise[:-1] > 1).double().mul((noise[1:] > 1).double()).mean()), 0.25, n - 1,
                    "the fraction of neighbours both above 1 (the noise must be independent per element)")


def verdict_test_eval_and_edge_cases(obs):
    x = obs["x"]
    assert torch.equal(obs["eval"], x), "with training=False gaussian dropout is the identity"
    assert torch.allclose(obs["p0"], x, rtol=0, atol=0), "with p=0 the noise has variance 0: the identity"
    assert not torch.equal(obs["default_training"], x), "training defaults to True"
    assert obs["grad"] is not None, "the gradient must flow back to the input"
    assert torch.allclose(obs["grad"], obs["y"] / x, rtol=1e-9), "the gradient is the noise that multiplied x"
    assert obs["float32_dtype"] == "torch.float32", "the output must keep the input's dtype"
