import numpy as np
import pytest

from dropout_lib.ensemble import (all_masks, exact_ensemble, geometric_ensemble, mask_probabilities, mc_ensemble,
                                  weight_scaled)


def net(seed=0, D=3, H=8, K=4):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(D, H)), rng.normal(size=H), rng.normal(size=(H, K)), rng.normal(size=K), rng.normal(size=(6, D))


def test_masks_and_probabilities():
    masks = all_masks(5)
    assert masks.shape == (32, 5) and len({tuple(m) for m in masks}) == 32
    probs = mask_probabilities(masks, 0.3)
    assert np.isclose(probs.sum(), 1.0)
    assert np.isclose(probs[-1], 0.7**5) and np.isclose(probs[0], 0.3**5)


def test_exact_ensemble_by_brute_force():
    W1, b1, W2, b2, x = net(H=4)
    h = np.maximum(x @ W1 + b1, 0)
    expected = 0
    for m in all_masks(4):
        z = (h * m) @ W2 + b2
        e = np.exp(z - z.max(1, keepdims=True))
        expected = expected + 0.6 ** m.sum() * 0.4 ** (4 - m.sum()) * e / e.sum(1, keepdims=True)
    assert np.allclose(exact_ensemble(W1, b1, W2, b2, x, 0.4), expected, rtol=1e-12, atol=1e-14)


def test_all_agree_at_p_zero():
    W1, b1, W2, b2, x = net()
    full = weight_scaled(W1, b1, W2, b2, x, 0.0)
    assert np.allclose(exact_ensemble(W1, b1, W2, b2, x, 0.0), full)
    assert np.allclose(geometric_ensemble(W1, b1, W2, b2, x, 0.0), full)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_normalized_geometric_mean_equals_weight_scaling_exactly(p):
    W1, b1, W2, b2, x = net(seed=1, H=10)
    assert np.allclose(geometric_ensemble(W1, b1, W2, b2, x, p), weight_scaled(W1, b1, W2, b2, x, p), rtol=1e-12, atol=1e-14)


def test_arithmetic_mean_differs_from_weight_scaling():
    W1, b1, W2, b2, x = net(seed=2, H=10)
    gap = np.abs(exact_ensemble(W1, b1, W2, b2, x, 0.5) - weight_scaled(W1, b1, W2, b2, x, 0.5)).max()
    assert gap > 0.05


def test_monte_carlo_average_converges_to_the_exact_ensemble():
    W1, b1, W2, b2, x = net(seed=3, H=10)
    exact = exact_ensemble(W1, b1, W2, b2, x, 0.5)
    errors = [np.abs(mc_ensemble(W1, b1, W2, b2, x, 0.5, n, np.random.default_rng(0)) - exact).max()
              for n in (10, 100, 10_000)]
    assert errors[2] < errors[0] and errors[2] < 0.02  # the error of a mean of probabilities: at most 0.5/sqrt(n)*6


def test_bad_input():
    W1, b1, W2, b2, x = net(H=15)
    with pytest.raises(ValueError, match="H <= 14"):
        exact_ensemble(W1, b1, W2, b2, x, 0.5)
    W1, b1, W2, b2, x = net()
    with pytest.raises(ValueError, match=r"x must be a 2-D array \(N, D\)"):
        exact_ensemble(W1, b1, W2, b2, x[0], 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        weight_scaled(W1, b1, W2, b2, x, 1.2)
    with pytest.raises(ValueError, match="0 <= H <= 14"):
        all_masks(20)
