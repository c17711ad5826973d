import numpy as np
import pytest

from dropout_lib.ensemble import (all_masks, exact_ensemble, geometric_ensemble, mask_probabilities, mc_ensemble,
                                  member_logits, member_probabilities, weight_scaled)
from tests.lib.stats import Z


def net(seed=0, D=3, H=8, K=4, N=6, scale=1.0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(D, H)), rng.normal(size=H), scale * rng.normal(size=(H, K)), rng.normal(size=K),
            rng.normal(size=(N, D)))


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_masks_and_probabilities():
    masks = all_masks(5)
    assert masks.shape == (32, 5) and set(np.unique(masks)) == {0.0, 1.0}
    assert len({tuple(m) for m in masks}) == 32
    assert all_masks(0).shape == (1, 0)
    for p in (0.0, 0.3, 0.5, 1.0):
        probs = mask_probabilities(masks, p)
        assert np.isclose(probs.sum(), 1.0, rtol=0, atol=1e-14)
        assert np.isclose(probs[-1], (1 - p) ** 5) and np.isclose(probs[0], p**5)  # keep all / drop all
    kept_two = masks.sum(axis=1) == 2
    assert np.allclose(mask_probabilities(masks, 0.3)[kept_two], 0.7**2 * 0.3**3)


def test_exact_ensemble_by_brute_force():
    W1, b1, W2, b2, x = net(H=4)
    h = np.maximum(x @ W1 + b1, 0)
    expected = 0
    for bits in np.ndindex(2, 2, 2, 2):
        m = np.array(bits, dtype=float)
        expected = expected + 0.6 ** m.sum() * 0.4 ** (4 - m.sum()) * softmax((h * m) @ W2 + b2)
    got = exact_ensemble(W1, b1, W2, b2, x, 0.4)
    assert got.shape == (6, 4) and np.allclose(got.sum(axis=1), 1.0)
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-15)
    members = member_probabilities(W1, b1, W2, b2, x, all_masks(4))
    assert members.shape == (16, 6, 4)
    assert np.allclose(member_logits(W1, b1, W2, b2, x, np.ones((1, 4)))[0], h @ W2 + b2)


def test_chunked_enumeration_matches_a_single_sum():
    W1, b1, W2, b2, x = net(seed=5, H=12, N=3)  # 4096 members: several chunks
    masks = all_masks(12)
    expected = np.einsum("m,mnk->nk", mask_probabilities(masks, 0.3), member_probabilities(W1, b1, W2, b2, x, masks))
    assert np.allclose(exact_ensemble(W1, b1, W2, b2, x, 0.3), expected, rtol=1e-12, atol=1e-15)


def test_all_agree_with_the_full_network_at_p_zero():
    W1, b1, W2, b2, x = net()
    full = softmax(np.maximum(x @ W1 + b1, 0) @ W2 + b2)
    assert np.allclose(weight_scaled(W1, b1, W2, b2, x, 0.0), full, rtol=1e-13, atol=1e-15)
    assert np.allclose(exact_ensemble(W1, b1, W2, b2, x, 0.0), full, rtol=1e-13, atol=1e-15)
    assert np.allclose(geometric_ensemble(W1, b1, W2, b2, x, 0.0), full, rtol=1e-13, atol=1e-15)
    assert np.allclose(mc_ensemble(W1, b1, W2, b2, x, 0.0, 5, np.random.default_rng(0)), full, rtol=1e-13,
                       atol=1e-15)


def test_at_p_one_only_the_empty_network_remains():
    W1, b1, W2, b2, x = net()
    only_bias = np.broadcast_to(softmax(b2), (6, 4))
    for ensemble in (exact_ensemble, geometric_ensemble, weight_scaled):
        assert np.allclose(ensemble(W1, b1, W2, b2, x, 1.0), only_bias, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("seed, scale", [(1, 1.0), (2, 4.0)])
def test_normalized_geometric_mean_equals_weight_scaling_exactly(p, seed, scale):
    # Baldi & Sadowski (2013): the logits are affine in the mask, so the NWGM is the softmax of the mean logits.
    W1, b1, W2, b2, x = net(seed=seed, H=10, scale=scale)
    nwgm, scaled = geometric_ensemble(W1, b1, W2, b2, x, p), weight_scaled(W1, b1, W2, b2, x, p)
    assert np.allclose(nwgm, scaled, rtol=1e-12, atol=1e-15)


def test_arithmetic_mean_differs_from_weight_scaling():
    # By hand: one hidden unit h = 1 and p = 0.5. Members: softmax(0, 0) = (1/2, 1/2) and softmax(20, 0) ≈ (1, 0),
    # so the arithmetic mean is ≈ (3/4, 1/4), while weight scaling gives softmax(10, 0) ≈ (1, 0).
    W1, b1, W2, b2, x = np.ones((1, 1)), np.zeros(1), np.array([[20.0, 0.0]]), np.zeros(2), np.ones((1, 1))
    assert np.allclose(exact_ensemble(W1, b1, W2, b2, x, 0.5), [[0.75, 0.25]], atol=1e-8)
    assert np.allclose(weight_scaled(W1, b1, W2, b2, x, 0.5), [[1.0, 0.0]], atol=1e-4)
    # and on random networks: search for one where the gap exceeds 0.2 in some probability
    gaps = []
    for seed in range(10):
        W1, b1, W2, b2, x = net(seed=seed, H=10, scale=3.0)
        gaps.append(np.abs(exact_ensemble(W1, b1, W2, b2, x, 0.5) - weight_scaled(W1, b1, W2, b2, x, 0.5)).max())
    assert max(gaps) > 0.2, gaps


def test_monte_carlo_average_converges_to_the_exact_ensemble():
    W1, b1, W2, b2, x = net(seed=3, H=10)
    p = 0.5
    masks = all_masks(10)
    weights = mask_probabilities(masks, p)
    members = member_probabilities(W1, b1, W2, b2, x, masks)
    exact = np.einsum("m,mnk->nk", weights, members)
    sigma = np.sqrt(np.einsum("m,mnk->nk", weights, (members - exact) ** 2))  # per-entry std of one member
    assert sigma.max() > 0.05  # the members disagree: the test below is not trivial
    errors = []
    for n_samples in (10, 100, 1000, 10_000):
        estimate = mc_ensemble(W1, b1, W2, b2, x, p, n_samples, np.random.default_rng(n_samples))
        assert np.all(np.abs(estimate - exact) <= Z * sigma / np.sqrt(n_samples) + 1e-15), n_samples
        errors.append(np.abs(estimate - exact).max())
    assert errors[-1] < errors[0] / 10


def test_mc_ensemble_is_reproducible_and_chunked_consistently():
    W1, b1, W2, b2, x = net(seed=4)
    a = mc_ensemble(W1, b1, W2, b2, x, 0.3, 2500, np.random.default_rng(7))
    assert np.array_equal(a, mc_ensemble(W1, b1, W2, b2, x, 0.3, 2500, np.random.default_rng(7)))
    masks = (np.random.default_rng(7).random((2500, 8)) >= 0.3).astype(float)
    assert np.allclose(a, member_probabilities(W1, b1, W2, b2, x, masks).mean(axis=0), rtol=1e-12, atol=1e-15)


def test_weight_scaling_has_no_enumeration_limit():
    W1, b1, W2, b2, x = net(H=40)
    assert weight_scaled(W1, b1, W2, b2, x, 0.5).shape == (6, 4)
    assert mc_ensemble(W1, b1, W2, b2, x, 0.5, 10).shape == (6, 4)


def test_bad_input():
    W1, b1, W2, b2, x = net(H=15)
    for ensemble in (exact_ensemble, geometric_ensemble):
        with pytest.raises(ValueError, match="exact enumeration needs H <= 14 hidden units, but W1 has 15"):
            ensemble(W1, b1, W2, b2, x, 0.5)
    W1, b1, W2, b2, x = net()
    for ensemble in (exact_ensemble, geometric_ensemble, weight_scaled):
        with pytest.raises(ValueError, match=r"x must be a 2-D array \(N, D\), but got shape \(3,\)"):
            ensemble(W1, b1, W2, b2, x[0], 0.5)
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.2"):
            ensemble(W1, b1, W2, b2, x, 1.2)
        with pytest.raises(ValueError, match=r"the network needs W1 \(D, H\), b1 \(H,\), W2 \(H, K\), b2 \(K,\)"):
            ensemble(W1, b1, W2[:-1], b2, x, 0.5)
    with pytest.raises(ValueError, match=r"x must be a 2-D array \(N, D\)"):
        mc_ensemble(W1, b1, W2, b2, x[0], 0.5, 10)
    for bad in (0, 2.5):
        with pytest.raises(ValueError, match="n_samples must be a positive integer"):
            mc_ensemble(W1, b1, W2, b2, x, 0.5, bad)
    for bad in (15, -1, 2.0, True):
        with pytest.raises(ValueError, match=r"exact enumeration needs 0 <= H <= 14 hidden units"):
            all_masks(bad)
    with pytest.raises(ValueError, match=r"masks must be a 2-D array \(M, H\)"):
        mask_probabilities(np.ones(3), 0.5)
