"""Verdicts of e11_ensemble: exact values against dropout_lib.ensemble, with the usual wrong answers named."""

import numpy as np

from dropout_lib.ensemble import (all_masks, exact_ensemble, geometric_ensemble, mask_probabilities,
                                  member_probabilities, weight_scaled)

RTOL, ATOL = 1e-8, 1e-10


def close(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=RTOL, atol=ATOL)


def common_mistakes(params, p):
    """The answers of the usual wrong ensembles, each with the message that explains it."""
    W1, b1, W2, b2, x = params
    masks = all_masks(W1.shape[1])
    members = member_probabilities(*params, masks)
    weights = mask_probabilities(masks, p)
    with np.errstate(divide="ignore", invalid="ignore"):  # members that underflow to 0 at large logits
        log_mean = np.einsum("m,mnk->nk", weights, np.log(members))
    inverted = member_probabilities(W1, b1, W2 / (1 - p), b2, x, masks) if p < 1 else members
    return [
        (geometric_ensemble(*params, p),
         "that is the normalized geometric mean of the members (the softmax of the averaged logits, which equals "
         "weight scaling); the ensemble here is the probability-weighted ARITHMETIC mean of their softmax outputs"),
        (np.exp(log_mean),
         "that is the unnormalized weighted geometric mean (its rows do not sum to 1); the ensemble is the weighted "
         "ARITHMETIC mean of the members' softmax outputs"),
        (members.mean(axis=0),
         "every member has the same weight in yours: weight each mask by its probability (1-p)^kept * p^dropped"),
        (np.einsum("m,mnk->nk", mask_probabilities(masks, 1 - p), members),
         "a hidden unit is KEPT with probability 1-p: the mask's probability is (1-p)^kept * p^dropped"),
        (np.einsum("m,mnk->nk", weights, inverted),
         "the members use h * m without rescaling (the original form of dropout), not h * m / (1-p)"),
    ]


def check_probabilities(got, expected, what):
    assert got.shape == expected.shape, f"{what} must have shape (N, K) = {expected.shape}, not {got.shape}"
    assert np.all(np.isfinite(got)), f"{what} contains NaN or inf (mind 0 ** 0 = 1 at p=0 and p=1, and overflow)"
    sums = got.sum(axis=-1)
    if not np.allclose(sums, 1.0):
        if np.allclose(got.sum(axis=0), 1.0):
            raise AssertionError(f"{what}: take the softmax over the last axis (the classes), not over the inputs")
        raise AssertionError(f"{what}: each row must be a probability distribution over the classes (sum to 1)")


def status_ok(run, what):
    assert run["status"] == "ok", f"{what} raised {run['status']}" + (f": {run['result']}" if run["result"] else "")
    return run["result"]


def verdict_test_exact_ensemble(obs):
    for run in obs["runs"]:
        params, p = run["params"], run["p"]
        H, N = params[0].shape[1], params[4].shape[0]
        what = f"exact_ensemble with H={H} hidden units, N={N} inputs and p={p}"
        got = status_ok(run, what)
        expected = exact_ensemble(*params, p)
        if got.shape == expected.shape and not close(got, expected):
            for answer, message in common_mistakes(params, p):
                if close(got, answer):
                    raise AssertionError(f"{what}: {message}")
        check_probabilities(got, expected, what)
        assert close(got, expected), (
            f"{what}: average the softmax outputs of all {2 ** H} masks, each weighted by its probability "
            "(1-p)^kept * p^dropped; the member of mask m computes softmax((h * m) @ W2 + b2)")


def verdict_test_weight_scaled(obs):
    for run in obs["runs"]:
        params, p = run["params"], run["p"]
        W1, b1, W2, b2, x = params
        what = f"weight_scaled with H={W1.shape[1]}, N={x.shape[0]} and p={p}"
        got = status_ok(run, what)
        expected = weight_scaled(*params, p)
        check_probabilities(got, expected, what)
        if close(got, expected):
            continue
        if p != 0.5 and close(got, weight_scaled(*params, 1 - p)):
            raise AssertionError(f"{what}: scale the hidden units by the keep probability 1-p, not by p")
        if close(got, weight_scaled(W1, b1, W2, (1 - p) * b2, x, p)):
            raise AssertionError(f"{what}: only the hidden units are dropped, so only h @ W2 is scaled, not b2")
        if close(got, weight_scaled(W1, b1, W2, b2, x, 0.0)):
            raise AssertionError(f"{what}: scale h by 1-p; yours is the unscaled network")
        assert close(got, expected), f"{what}: weight_scaled is softmax((1-p) * h @ W2 + b2), h = relu(x @ W1 + b1)"


def verdict_test_edge_rates(obs):
    params = obs["params"]
    got = status_ok(obs["p0"], "exact_ensemble with p=0")
    check_probabilities(got, weight_scaled(*params, 0.0), "exact_ensemble with p=0")
    assert close(got, weight_scaled(*params, 0.0)), "with p=0 the only member is the full network"
    got = status_ok(obs["p1"], "exact_ensemble with p=1")
    check_probabilities(got, exact_ensemble(*params, 1.0), "exact_ensemble with p=1")
    assert close(got, exact_ensemble(*params, 1.0)), (
        "with p=1 the only member drops every hidden unit: its output is softmax(b2) for every input")
