"""Bounds for statistical tests: wide enough never to flake at a fixed seed, tight enough to catch a wrong scale."""

import math

Z = 6.0  # standard errors allowed


def assert_fraction(observed, expected, n, what="fraction"):
    """``observed`` is a Bernoulli proportion from ``n`` draws with success probability ``expected``."""
    se = math.sqrt(max(expected * (1 - expected), 1e-12) / n)
    assert abs(observed - expected) <= Z * se, f"{what}: {observed:.5f}, expected {expected:.5f} ± {Z * se:.5f}"


def assert_mean(observed, expected, std, n, what="mean"):
    """``observed`` is a mean of ``n`` independent draws with standard deviation ``std``."""
    se = std / math.sqrt(n)
    assert abs(observed - expected) <= Z * se, f"{what}: {observed:.5f}, expected {expected:.5f} ± {Z * se:.5f}"
