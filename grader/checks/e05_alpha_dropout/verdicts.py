"""Verdicts of e05_alpha_dropout."""

import math

import torch

from dropout_lib.alpha import ALPHA_PRIME, alpha_dropout_coefficients
from grader.checks.verdict_common import Z, as_tensor, assert_fraction


def split(x, y, p):
    """Which outputs are kept (a x + b) and which dropped (a alpha' + b); fail if some are neither."""
    a, b = alpha_dropout_coefficients(p)
    kept = torch.isclose(y, a * x + b, rtol=1e-9, atol=1e-12)
    dropped = torch.isclose(y, torch.full_like(y, a * ALPHA_PRIME + b), rtol=1e-9, atol=1e-12)
    return kept, dropped


def verdict_test_values(obs):
    for run in obs:
        p, x, y = run["p"], run["x"], as_tensor(run["y"], "the output")
        assert y.shape == x.shape, "the output must have the input's shape"
        assert run["unchanged"], "alpha_dropout must not modify its input"
        kept, dropped = split(x, y, p)
        if not (kept | dropped).all():
            a, b = alpha_dropout_coefficients(p)
            if (y == 0).any():
                raise AssertionError("dropped units must be set to alpha' = -lambda*alpha (then the affine map), not 0")
            raise AssertionError(f"with p={p} every output must be a*x+b (kept) or a*alpha'+b (dropped), with "
                                 f"a={a:.6f}, b={b:.6f}")
        assert_fraction(float(dropped.double().mean()), p, x.numel(), f"with p={p} the fraction of dropped units")


def verdict_test_moments(obs):
    x = obs["x"]
    for run in obs["runs"]:
        p, y = run["p"], as_tensor(run["y"], "the output")
        assert y.shape == x.shape, "the output must have the input's shape"
        n = y.numel()
        _, dropped = split(x, y, p)
        # the moments only mean something for a layer that drops: the identity keeps them too
        assert_fraction(float(dropped.double().mean()), p, n, f"with p={p} the fraction of units set to a*alpha'+b")
        assert abs(float(y.mean())) <= Z / math.sqrt(n), f"with p={p} the output mean must stay 0, not {float(y.mean()):.4f}"
        # Var of the sample variance of a unit-variance output is below 2.5/n for these p (kurtosis < 3.5)
        assert abs(float(y.var()) - 1) <= Z * math.sqrt(2.5 / n), (
            f"with p={p} the output variance must stay 1, not {float(y.var()):.4f}")


def verdict_test_eval_and_edge_cases(obs):
    x, p = obs["x"], obs["p"]
    assert torch.equal(obs["eval"], x), "with training=False alpha dropout is the identity"
    assert torch.allclose(obs["p0"], x, rtol=1e-12, atol=1e-12), "with p=0 nothing is dropped: the identity"
    assert obs["grad"] is not None, "the gradient must flow back to the input"
    a, _ = alpha_dropout_coefficients(p)
    kept, _ = split(x, obs["y"], p)
    expected = kept.double() * a
    assert torch.allclose(obs["grad"], expected, rtol=1e-9, atol=1e-12), \
        "the gradient is a for kept units and 0 for dropped ones"
    _, dropped_default = split(x, obs["default_training"]["y"], obs["default_training"]["p"])
    assert dropped_default.any(), "training defaults to True"
    assert obs["float32_dtype"] == "torch.float32", "the output must keep the input's dtype"
