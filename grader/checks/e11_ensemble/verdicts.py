"""Verdicts of e11_ensemble."""

import numpy as np

from dropout_lib.ensemble import exact_ensemble, geometric_ensemble, weight_scaled


def check(got, expected, what):
    assert got.shape == expected.shape, f"{what} must have shape (N, K) = {expected.shape}, not {got.shape}"
    assert np.allclose(got.sum(axis=1), 1.0), f"{what}: each row must be a probability distribution (sum to 1)"


def verdict_test_exact_ensemble(obs):
    for run in obs.values():
        params, p, got = run["params"], run["p"], run["result"]
        expected = exact_ensemble(*params, p)
        check(got, expected, "exact_ensemble")
        if np.allclose(got, geometric_ensemble(*params, p), rtol=1e-8, atol=1e-10) and not np.allclose(expected, got):
            raise AssertionError("that is the normalized geometric mean; the ensemble here is the ARITHMETIC mean")
        masks = 2 ** params[0].shape[1]
        assert np.allclose(got, expected, rtol=1e-8, atol=1e-10), (
            f"exact_ensemble must average the softmax outputs of all {masks} masks, each weighted by its probability "
            "(1-p)^kept * p^dropped; the members use h * m without rescaling")


def verdict_test_weight_scaled(obs):
    for run in obs.values():
        params, p, got = run["params"], run["p"], run["result"]
        expected = weight_scaled(*params, p)
        check(got, expected, "weight_scaled")
        if p not in (0.0, 0.5) and np.allclose(got, weight_scaled(*params, 1 - p), rtol=1e-8):
            raise AssertionError("scale the hidden units by the keep probability 1-p, not by p")
        assert np.allclose(got, expected, rtol=1e-8, atol=1e-10), "weight_scaled is softmax((1-p) * h @ W2 + b2)"


def verdict_test_edge_rates(obs):
    params = obs["params"]
    assert np.allclose(obs["p0"], weight_scaled(*params, 0.0)), "with p=0 the only member is the full network"
    assert np.allclose(obs["p1"], exact_ensemble(*params, 1.0)), "with p=1 the only member has every hidden unit dropped"
