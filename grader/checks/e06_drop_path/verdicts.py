"""Verdicts of e06_drop_path."""

import torch

from dropout_lib.drop_path import drop_path_rates
from grader.checks.verdict_common import as_tensor, assert_fraction, check_survivor_scale


def per_sample(y):
    flat = y.flatten(1)
    dropped, kept = (flat == 0).all(1), (flat != 0).all(1)
    assert (dropped | kept).all(), "each sample's whole branch must be kept or dropped together, not single elements"
    return kept


def verdict_test_per_sample(obs):
    x = obs["x"]
    assert obs["unchanged"], "drop_path must not modify its input"
    kept = per_sample(as_tensor(obs["scaled"], "the output"))
    assert_fraction(float((~kept).double().mean()), 0.3, kept.numel(), "the fraction of dropped samples")
    check_survivor_scale(x, obs["scaled"], 0.3, "with scale_by_keep=True")
    unscaled = obs["unscaled"]
    kept = per_sample(unscaled)
    assert torch.equal(unscaled[kept], x[kept]), "with scale_by_keep=False kept samples are not rescaled"


def verdict_test_identity_cases(obs):
    x = obs["x"]
    assert torch.equal(obs["defaults"], x), "by default (p=0, training=False) drop_path is the identity"
    assert torch.equal(obs["p0"], x), "with p=0 nothing is dropped"
    assert torch.equal(obs["eval"], x), "with training=False drop_path is the identity"
    p1, warnings = obs["p1"]
    assert torch.equal(p1, torch.zeros_like(x)), "with p=1 every branch is dropped: zeros, not NaN"
    assert not warnings, f"p=1 must not warn: {warnings[0]}"


def verdict_test_rates(obs):
    for depth, rate in ((12, 0.1), (1, 0.3), (5, 0.2)):
        got = obs[str(depth)]
        assert isinstance(got, list) and len(got) == depth, f"drop_path_rates({depth}, {rate}) must be a list of {depth}"
        expected = drop_path_rates(depth, rate)
        assert all(abs(a - b) < 1e-9 for a, b in zip(got, expected)), (
            f"drop_path_rates({depth}, {rate}) must be {[round(r, 4) for r in expected]}: block i gets "
            "max_rate * i / (depth - 1), the first 0, the last max_rate")
    assert set(obs["types"]) == {"float"}, "the rates must be Python floats"


def verdict_test_gradient(obs):
    y, grad = obs["y"], obs["grad"]
    assert grad is not None, "the gradient must flow back to the input"
    expected = torch.where(y != 0, torch.full_like(y, 2.0), torch.zeros_like(y))
    assert torch.allclose(grad, expected), "the gradient must be the per-sample mask scaled by 1/(1-p)"
