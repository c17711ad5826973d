"""Shared by every assignment's verdicts (they run in the judge)."""

import math
from functools import lru_cache

import torch

Z = 6.0  # standard errors allowed in statistical checks: never flakes at a fixed seed, still catches a wrong scale


def assert_fraction(observed, expected, n, what):
    se = math.sqrt(max(expected * (1 - expected), 1e-12) / n)
    assert abs(observed - expected) <= Z * se, (
        f"{what} is {observed:.4f}, but should be close to {expected:.4f} (allowed ±{Z * se:.4f})")


def assert_mean(observed, expected, std, n, what):
    se = std / math.sqrt(n)
    assert abs(observed - expected) <= Z * se, (
        f"{what} is {observed:.4f}, but should be close to {expected:.4f} (allowed ±{Z * se:.4f})")


def as_tensor(value, what):
    assert isinstance(value, torch.Tensor), f"{what} must be a torch.Tensor, but it is {type(value).__name__}"
    return value


def check_survivor_scale(x, y, p, what):
    """Nonzero outputs must be x/(1-p); name the usual wrong scales."""
    kept = y != 0
    assert kept.any(), f"{what}: every element was dropped (p={p})"
    ratio = (y[kept] / x[kept]).double()
    if torch.allclose(ratio, torch.full_like(ratio, 1 / (1 - p)), rtol=1e-5, atol=0):
        return
    if torch.allclose(ratio, torch.full_like(ratio, 1 / p), rtol=1e-5, atol=0):
        raise AssertionError(f"{what}: survivors must be scaled by 1/(1-p), not 1/p")
    if torch.allclose(ratio, torch.ones_like(ratio), rtol=1e-5, atol=0):
        raise AssertionError(f"{what}: survivors must be scaled by 1/(1-p); they were not scaled")
    raise AssertionError(f"{what}: survivors must equal x/(1-p)")


@lru_cache(maxsize=None)
def probe_definitions(assignment):
    """The module-level definitions of an assignment's probes (model builders, cases), run here in the judge from
    the instructor's source, so that a verdict rebuilds exactly what its probe built without writing it again."""
    from grader.judge import probes_source  # imported when used: the judge imports the verdicts

    namespace = {"__name__": "probes"}
    exec(compile(probes_source(assignment), f"<probes of {assignment}>", "exec"), namespace)
    return namespace


def expect_error(outcome, kind, what):
    """``outcome`` is a probe's ``outcome(...)``: ``(exception type name or None, value)``."""
    assert outcome[0] == kind, f"{what} must raise {kind}, but gave: {outcome[0]}"


def assert_all_dropped_at_p1(obs, x):
    """At p=1 every element is dropped: zeros, no NaN from dividing by 1-p, no warning."""
    p1 = as_tensor(obs["p1"], "the output")
    assert not torch.isnan(p1).any(), "with p=1 everything is dropped: return zeros, not NaN (do not divide by 1-p=0)"
    assert torch.equal(p1, torch.zeros_like(x)), "with p=1 everything is dropped: the output is all zeros"
    assert not obs["p1_warnings"], f"p=1 must not warn: {obs['p1_warnings'][0]}"
