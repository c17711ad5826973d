"""Keras 3 (on its PyTorch backend) and the reference library agree in distribution.

Keras draws its masks with its own code (a seeded ``SeedGenerator``) or, unseeded, with PyTorch's dropout, so the
two cannot agree bit for bit; they must agree in what they compute: how many entries are dropped, the exact value
of the kept ones, the structure of the mask, the first two moments of the output, the affine constants of alpha
dropout, and the identity at inference. The bounds come from ``tests.lib.stats`` (six standard errors at fixed
seeds): wide enough never to flake, tight enough to catch a wrong scale such as ``1/p`` or a mask of the wrong
shape.
"""

import math
import os

os.environ["KERAS_BACKEND"] = "torch"  # before the first import of keras; the course never uses TensorFlow

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from dropout_lib import (ALPHA_PRIME, SELU_ALPHA, SELU_LAMBDA, alpha_dropout, alpha_dropout_coefficients,  # noqa: E402
                         dropout, gaussian_dropout, spatial_dropout)
from tests.lib.stats import assert_fraction, assert_mean  # noqa: E402

N = 200_000


def to_numpy(y):
    """A Keras output (a torch tensor, possibly on a GPU) or a library output as a float64 NumPy array."""
    if isinstance(y, torch.Tensor):
        y = y.detach().cpu().numpy()
    return np.asarray(y, dtype=np.float64)


def check_inverted_dropout_values(y, p, what):
    """``y`` is inverted dropout of an all-ones input: drop fraction p, kept entries exactly 1/(1-p), mean 1."""
    y = y.ravel()
    assert_fraction(float((y == 0).mean()), p, y.size, f"{what}: drop fraction")
    kept = y[y != 0]
    np.testing.assert_allclose(kept, 1.0 / (1.0 - p), rtol=1e-6, err_msg=f"{what}: kept values")  # not 1/p
    assert_mean(float(y.mean()), 1.0, math.sqrt(p / (1 - p)), y.size, f"{what}: mean")
    assert abs(y.var() - p / (1 - p)) < 0.05 * p / (1 - p), f"{what}: variance {y.var():.4f}"


def test_keras_runs_on_the_torch_backend():
    assert keras.backend.backend() == "torch"


@pytest.mark.parametrize("seed", [None, 7], ids=["unseeded", "seeded"])
@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_same_distribution(p, seed):
    # Keras takes two code paths: unseeded it calls torch's dropout, seeded it draws its own Bernoulli mask.
    theirs = to_numpy(keras.layers.Dropout(p, seed=seed)(np.ones(N, dtype=np.float32), training=True))
    ours = to_numpy(dropout(torch.ones(N, dtype=torch.float32), p))
    check_inverted_dropout_values(theirs, p, "keras")
    check_inverted_dropout_values(ours, p, "dropout_lib")


def test_dropout_drops_entries_independently():
    y = to_numpy(keras.layers.Dropout(0.5, seed=3)(np.ones((N, 2), dtype=np.float32), training=True))
    both = float(((y[:, 0] == 0) & (y[:, 1] == 0)).mean())
    assert_fraction(both, 0.25, N, "both of a pair dropped")


def test_seeded_layer_is_reproducible_and_draws_a_fresh_mask_per_call():
    x = np.ones((64, 64), dtype=np.float32)
    a, b = keras.layers.Dropout(0.5, seed=11), keras.layers.Dropout(0.5, seed=11)
    first_a, first_b = to_numpy(a(x, training=True)), to_numpy(b(x, training=True))
    assert np.array_equal(first_a, first_b)
    assert not np.array_equal(first_a, to_numpy(a(x, training=True)))  # the basis of MC dropout in Keras


def check_whole_channels(y, channel_axis, p, what):
    """Every (sample, channel) map of ``y`` (from an all-ones input) is all zeros or all 1/(1-p)."""
    y = np.moveaxis(y, channel_axis, 1)  # (N, C, *spatial)
    maps = y.reshape(y.shape[0], y.shape[1], -1)
    first = maps[:, :, :1]
    assert np.array_equal(maps, np.broadcast_to(first, maps.shape)), f"{what}: a map is partly dropped"
    first = first.ravel()
    np.testing.assert_allclose(first[first != 0], 1.0 / (1.0 - p), rtol=1e-6, err_msg=f"{what}: kept values")
    assert_fraction(float((first == 0).mean()), p, first.size, f"{what}: fraction of dropped channels")
    # masks differ between samples: the same channel is not dropped for the whole batch
    per_channel = (maps[:, :, 0] == 0).mean(axis=0)
    assert 0 < per_channel.min() and per_channel.max() < 1, f"{what}: one mask shared by the batch"


@pytest.mark.parametrize("p", [0.3, 0.6])
def test_spatial_dropout_1d_drops_whole_channels(p):
    n, length, channels = 4000, 12, 16
    theirs = to_numpy(keras.layers.SpatialDropout1D(p, seed=5)(np.ones((n, length, channels), np.float32),
                                                               training=True))
    check_whole_channels(theirs, -1, p, "keras SpatialDropout1D (N, T, C)")
    ours = to_numpy(spatial_dropout(torch.ones(n, channels, length), p))
    check_whole_channels(ours, 1, p, "spatial_dropout (N, C, L)")


@pytest.mark.parametrize("p", [0.3, 0.6])
def test_spatial_dropout_2d_drops_whole_channels_channels_last_by_default(p):
    n, side, channels = 2000, 5, 16
    layer = keras.layers.SpatialDropout2D(p, seed=5)
    assert layer.data_format == "channels_last"
    theirs = to_numpy(layer(np.ones((n, side, side, channels), np.float32), training=True))
    check_whole_channels(theirs, -1, p, "keras SpatialDropout2D (N, H, W, C)")
    ours = to_numpy(spatial_dropout(torch.ones(n, channels, side, side), p))
    check_whole_channels(ours, 1, p, "spatial_dropout (N, C, H, W)")


def test_spatial_dropout_2d_channels_first_matches_the_library_layout():
    n, channels, side, p = 2000, 16, 5, 0.4
    layer = keras.layers.SpatialDropout2D(p, data_format="channels_first", seed=5)
    theirs = to_numpy(layer(np.ones((n, channels, side, side), np.float32), training=True))
    check_whole_channels(theirs, 1, p, "keras SpatialDropout2D channels_first")


def test_spatial_dropout_2d_on_an_nchw_tensor_with_the_default_drops_columns_not_channels():
    # The pitfall of porting PyTorch code: with the default channels_last, an (N, C, H, W) tensor is read as
    # (N, H, W, C), so the last axis (W) is taken for the channels and the mask is constant over C and H.
    y = to_numpy(keras.layers.SpatialDropout2D(0.5, seed=5)(np.ones((500, 8, 6, 6), np.float32), training=True))
    assert np.array_equal(y, np.broadcast_to(y[:, :1, :1, :], y.shape))
    assert not np.array_equal(y, np.broadcast_to(y[:, :, :1, :1], y.shape))


@pytest.mark.parametrize("p", [0.2, 0.5])
def test_gaussian_dropout_same_moments(p):
    x_value = 3.0
    var = p / (1 - p) * x_value**2
    theirs = to_numpy(keras.layers.GaussianDropout(p, seed=2)(np.full(N, x_value, np.float32), training=True))
    ours = to_numpy(gaussian_dropout(torch.full((N,), x_value, dtype=torch.float64), p))
    for y, what in ((theirs, "keras"), (ours, "dropout_lib")):
        assert_mean(float(y.mean()), x_value, math.sqrt(var), N, f"{what}: mean")
        # the sample variance of Gaussian draws has standard deviation var * sqrt(2 / (n - 1))
        assert_mean(float(y.var(ddof=1)), var, var * math.sqrt(2.0), N - 1, f"{what}: variance")
        assert (y != 0).all(), f"{what}: Gaussian noise never zeroes an entry"
        assert_fraction(float((y < x_value).mean()), 0.5, N, f"{what}: noise below 1 (symmetric around 1)")


@pytest.mark.parametrize("p", [0.05, 0.1, 0.3])
def test_alpha_dropout_affine_constants_match_the_library(p):
    a, b = alpha_dropout_coefficients(p)
    # On a zero input a kept entry becomes b and a dropped one a * alpha' + b: read both constants off the output.
    theirs = to_numpy(keras.layers.AlphaDropout(p, seed=4, dtype="float64")(np.zeros(20_000), training=True))
    ours = to_numpy(alpha_dropout(torch.zeros(20_000, dtype=torch.float64), p))
    for y, what in ((theirs, "keras"), (ours, "dropout_lib")):
        values = np.unique(y)
        assert values.size == 2, f"{what}: expected two values, got {values[:5]}"
        dropped, kept = values  # a * alpha' * (1 - p) < 0 < b = -a * alpha' * p
        assert abs(kept - b) < 1e-6, f"{what}: b = {kept!r}, library {b!r}"
        assert abs((dropped - kept) / ALPHA_PRIME - a) < 1e-6, f"{what}: a differs from the library's {a!r}"
        assert_fraction(float((y == dropped).mean()), p, y.size, f"{what}: drop fraction")


def test_alpha_dropout_constants_are_the_selu_constants():
    assert math.isclose(-SELU_ALPHA * SELU_LAMBDA, ALPHA_PRIME, rel_tol=1e-15)
    assert math.isclose(ALPHA_PRIME, -1.7580993408473766, rel_tol=1e-15)


@pytest.mark.parametrize("p", [0.1, 0.3])
def test_alpha_dropout_keeps_zero_mean_and_unit_variance(p):
    x = np.random.default_rng(0).standard_normal(N)
    theirs = to_numpy(keras.layers.AlphaDropout(p, seed=4, dtype="float64")(x, training=True))
    ours = to_numpy(alpha_dropout(torch.from_numpy(x), p))
    for y, what in ((theirs, "keras"), (ours, "dropout_lib")):
        assert_mean(float(y.mean()), 0.0, 1.0, N, f"{what}: mean")
        squares = (y - y.mean()) ** 2
        assert_mean(float(squares.mean()), 1.0, float(squares.std()), N, f"{what}: variance")
    # and plain dropout would not: the variance of x * m / (1 - p) is 1 / (1 - p)
    plain = to_numpy(dropout(torch.from_numpy(x), p))
    assert plain.var() > 1 + 0.5 * p


LAYERS = [
    lambda: keras.layers.Dropout(0.5, seed=1),
    lambda: keras.layers.GaussianDropout(0.5, seed=1),
    lambda: keras.layers.AlphaDropout(0.5, seed=1),
    lambda: keras.layers.SpatialDropout2D(0.5, seed=1),
]


@pytest.mark.parametrize("make", LAYERS, ids=["Dropout", "GaussianDropout", "AlphaDropout", "SpatialDropout2D"])
def test_inference_is_the_identity_in_keras(make):
    x = np.random.default_rng(1).standard_normal((8, 5, 5, 4)).astype(np.float32)
    layer = make()
    assert np.array_equal(to_numpy(layer(x, training=False)), x)
    assert np.array_equal(to_numpy(layer(x)), x)  # a Keras layer called directly defaults to inference
    assert not np.array_equal(to_numpy(layer(x, training=True)), x)


def test_inference_is_the_identity_in_the_library():
    x = torch.randn(8, 4, 5, 5)
    for function in (dropout, gaussian_dropout, alpha_dropout, spatial_dropout):
        assert torch.equal(function(x, 0.5, training=False), x)


def test_both_reject_a_rate_outside_the_unit_interval():
    with pytest.raises(ValueError):
        keras.layers.Dropout(1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        dropout(torch.ones(3), 1.5)
