"""Shared by every assignment's verdicts (they run in the judge)."""

import math

import numpy as np
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


def expect_error(outcome, kind, what):
    assert outcome[0] == kind, f"{what} must raise {kind}, but gave: {outcome[0]}"
