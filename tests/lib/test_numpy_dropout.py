import math
import warnings

import numpy as np
import pytest
import torch

from dropout_lib.numpy_dropout import (Dropout, StandardDropout, inverted_dropout, inverted_dropout_backward,
                                       keep_mask, standard_dropout)
from dropout_lib.numpy_mlp import numerical_gradient, relative_error
from tests.lib.stats import Z, assert_fraction, assert_mean

FLOAT_DTYPES = [np.float16, np.float32, np.float64]


def signed_inputs(shape, seed=0, dtype=np.float64):
    """Values away from 0, so that ``y == 0`` identifies exactly the dropped elements."""
    rng = np.random.default_rng(seed)
    return (rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)).astype(dtype)


# --- the math given a mask -------------------------------------------------------------------------------------

def test_exact_values_for_a_given_mask():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    mask = np.array([[True, False, True], [False, True, True]])
    assert np.array_equal(inverted_dropout(x, mask, 0.5), [[2.0, 0.0, 6.0], [0.0, 10.0, 12.0]])
    assert np.array_equal(inverted_dropout(x, mask.astype(int), 0.75), [[4.0, 0.0, 12.0], [0.0, 20.0, 24.0]])
    assert np.array_equal(inverted_dropout_backward(np.ones((2, 3)), mask, 0.75), 4.0 * mask)
    channel_mask = np.array([[True], [False]])  # a mask that broadcasts (one per row)
    assert np.array_equal(inverted_dropout(x, channel_mask, 0.5), [[2.0, 4.0, 6.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_layer_output_is_the_input_masked_and_scaled(p):
    x = signed_inputs((40, 50), seed=1)
    layer = Dropout(p, rng=np.random.default_rng(0))
    y = layer.forward(x)
    assert layer.mask.dtype == bool and layer.mask.shape == x.shape
    assert np.array_equal(y, np.where(layer.mask, x * (1 / (1 - p)), 0.0))
    assert np.array_equal(y == 0, ~layer.mask)


@pytest.mark.parametrize("np_dtype, torch_dtype", [(np.float16, torch.float16), (np.float32, torch.float32),
                                                   (np.float64, torch.float64)])
@pytest.mark.parametrize("p", [0.1, 1 / 3, 0.3, 0.7, 0.9])
def test_agrees_with_pytorch_arithmetic_to_the_last_bit(np_dtype, torch_dtype, p):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(5000).astype(np_dtype)
    mask = keep_mask(x.shape, p, rng)
    expected = torch.from_numpy(x) * (torch.from_numpy(mask).to(torch_dtype) / (1 - p))
    assert np.array_equal(inverted_dropout(x, mask, p), expected.numpy())
    assert np.array_equal(inverted_dropout_backward(x, mask, p), expected.numpy())


@pytest.mark.parametrize("np_dtype, torch_dtype", [(np.float32, torch.float32), (np.float64, torch.float64)])
@pytest.mark.parametrize("p", [0.1, 0.3, 0.7])
def test_agrees_with_torch_functional_dropout_given_its_mask(np_dtype, torch_dtype, p):
    x = torch.from_numpy(signed_inputs(4000, seed=2, dtype=np_dtype))
    torch.manual_seed(5)
    y_torch = torch.nn.functional.dropout(x, p, training=True)
    torch.manual_seed(5)  # the same draws on a tensor of ones reveal PyTorch's mask
    mask = torch.nn.functional.dropout(torch.ones_like(x), p, training=True).numpy() != 0
    assert 0 < mask.mean() < 1
    assert np.array_equal(inverted_dropout(x.numpy(), mask, p), y_torch.numpy())


# --- statistics at fixed seeds -----------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_drop_fraction_and_mean_preservation(p):
    n = 200_000
    layer = Dropout(p, rng=np.random.default_rng(0))
    y = layer.forward(np.ones(n))
    assert_fraction(float((y == 0).mean()), p, n, "dropped fraction")
    assert np.all((y == 0) | (y == 1 / (1 - p)))
    assert_mean(float(y.mean()), 1.0, math.sqrt(p / (1 - p)), n, "mean of the output")


@pytest.mark.parametrize("p", [0.25, 0.6])
def test_expectations_of_standard_and_inverted_dropout(p):
    # E[inverted, training] = x = inverted inference; E[standard, training] = (1-p) x = standard inference.
    samples = 50_000
    x = signed_inputs(8, seed=3)
    batch = np.broadcast_to(x, (samples, x.size))
    inverted = Dropout(p, rng=np.random.default_rng(1)).forward(batch).mean(axis=0)
    standard = standard_dropout(batch, p, training=True, rng=np.random.default_rng(2)).mean(axis=0)
    se = np.abs(x) * math.sqrt(p * (1 - p)) / math.sqrt(samples)  # of a mean of x*m; inverted divides by 1-p
    assert np.all(np.abs(inverted - x) <= Z * se / (1 - p))
    assert np.all(np.abs(standard - (1 - p) * x) <= Z * se)
    assert np.array_equal(standard_dropout(x, p, training=False), x * (1 - p))
    eval_layer = Dropout(p)
    eval_layer.training = False
    assert np.array_equal(eval_layer.forward(x), x)
    # the two forms differ by the factor 1-p, far beyond the noise
    assert np.all(np.abs(inverted - standard) > Z * se / (1 - p))


# --- gradients ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("layer_type", [Dropout, StandardDropout])
def test_backward_equals_the_numerical_gradient_given_the_mask(layer_type):
    rng = np.random.default_rng(3)
    layer = layer_type(0.4, rng=rng)
    x, weights = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    layer.forward(x)
    mask = layer.mask.copy()
    scale = 1 / 0.6 if layer_type is Dropout else 1.0

    def loss():  # a scalar function of x with the mask held fixed
        return float((x * mask * scale * weights).sum())

    analytic = layer.backward(weights)
    assert relative_error(analytic, numerical_gradient(loss, x)) < 1e-9
    if layer_type is Dropout:
        assert np.array_equal(analytic, inverted_dropout_backward(weights, mask, 0.4))


def test_new_mask_each_forward_drawn_from_the_layer_rng():
    x = np.arange(1.0, 201.0)
    layer = Dropout(0.5, rng=np.random.default_rng(0))
    y1, y2 = layer.forward(x), layer.forward(x)
    assert not np.array_equal(y1 == 0, y2 == 0)
    twin = Dropout(0.5, rng=np.random.default_rng(0))
    assert np.array_equal(twin.forward(x), y1) and np.array_equal(twin.forward(x), y2)


def test_backward_uses_the_last_forward_mask_and_scale():
    layer = Dropout(0.5, rng=np.random.default_rng(0))
    x, grad = np.arange(1.0, 101.0), np.full(100, 3.0)
    layer.forward(x)
    y = layer.forward(x)
    first = layer.backward(grad)
    assert np.array_equal(first, np.where(y != 0, 6.0, 0.0))
    assert np.array_equal(layer.backward(grad), first)  # no new mask in backward
    layer.p = 0.9  # a rate changed after the forward does not change that forward's gradient
    assert np.array_equal(layer.backward(grad), first)
    standard = StandardDropout(0.5, rng=np.random.default_rng(0))
    y = standard.forward(x)
    assert np.array_equal(standard.backward(grad), np.where(y != 0, 3.0, 0.0))


# --- modes, dtypes, edge cases -----------------------------------------------------------------------------------

@pytest.mark.parametrize("layer_type", [Dropout, StandardDropout])
def test_eval_mode(layer_type):
    layer = layer_type(0.5, rng=np.random.default_rng(0))
    assert layer.training is True and layer.mask is None and isinstance(layer.rng, np.random.Generator)
    layer.training = False
    x = signed_inputs((3, 4))
    y, g = layer.forward(x), layer.backward(x)  # backward without a forward is fine in evaluation mode
    factor = 1.0 if layer_type is Dropout else 0.5
    assert np.array_equal(y, factor * x) and np.array_equal(g, factor * x)
    assert y is not x and layer.mask is None
    y[0, 0] = 100.0
    assert x[0, 0] != 100.0


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_dtype_and_shape_kept_and_input_untouched(dtype):
    x = signed_inputs((3, 4, 5), dtype=dtype)
    before = x.copy()
    for layer in (Dropout(0.3, rng=np.random.default_rng(0)), StandardDropout(0.3, rng=np.random.default_rng(0))):
        for training in (True, False):
            layer.training = training
            y = layer.forward(x)
            g = layer.backward(x)
            assert y.dtype == dtype and y.shape == x.shape and g.dtype == dtype and g.shape == x.shape
    for training in (True, False):
        assert standard_dropout(x, 0.3, training, np.random.default_rng(0)).dtype == dtype
    assert inverted_dropout(x, x > 0, 0.3).dtype == dtype
    assert np.array_equal(x, before)


def test_integer_input_is_computed_in_float64():
    y = Dropout(0.5, rng=np.random.default_rng(0)).forward(np.ones(10, dtype=np.int64))
    assert y.dtype == np.float64 and set(np.unique(y)) <= {0.0, 2.0}
    assert standard_dropout(np.ones(3, dtype=int), 0.5, False).tolist() == [0.5, 0.5, 0.5]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_p_zero_is_identity_and_p_one_gives_zeros_without_warnings(dtype):
    x = signed_inputs((6, 7), dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a division by zero would warn
        keep_all = Dropout(0.0, rng=np.random.default_rng(0))
        assert np.array_equal(keep_all.forward(x), x) and np.array_equal(keep_all.backward(x), x)
        for layer in (Dropout(1.0), StandardDropout(1.0)):
            y = layer.forward(x)
            assert np.array_equal(y, np.zeros_like(x)) and y.dtype == dtype
            assert np.array_equal(layer.backward(x), np.zeros_like(x))
        assert np.array_equal(inverted_dropout(x, np.zeros(x.shape, bool), 1.0), np.zeros_like(x))
        assert np.array_equal(standard_dropout(x, 1.0, True), np.zeros_like(x))
        assert np.array_equal(standard_dropout(x, 1.0, False), np.zeros_like(x))
        assert np.array_equal(standard_dropout(x, 0.0, True), x)


def test_keep_mask():
    mask = keep_mask((3, 4), 0.5, np.random.default_rng(0))
    assert mask.dtype == bool and mask.shape == (3, 4)
    assert np.array_equal(mask, keep_mask((3, 4), 0.5, np.random.default_rng(0)))
    assert np.array_equal(mask, np.random.default_rng(0).random((3, 4)) >= 0.5)  # the documented draw
    assert keep_mask(1000, 0.0).all() and not keep_mask(1000, 1.0).any()


# --- errors ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [-0.01, 1.01, float("nan"), float("inf")])
def test_rates_outside_zero_one_are_rejected(bad):
    message = f"dropout probability has to be between 0 and 1, but got {bad}"
    for call in (lambda: Dropout(bad), lambda: StandardDropout(bad), lambda: keep_mask(3, bad),
                 lambda: standard_dropout(np.ones(3), bad, True),
                 lambda: inverted_dropout(np.ones(3), np.ones(3), bad)):
        with pytest.raises(ValueError) as caught:
            call()
        assert str(caught.value) == message


def test_other_errors():
    for layer_type in (Dropout, StandardDropout):
        with pytest.raises(RuntimeError, match="backward called before forward: there is no mask to apply"):
            layer_type(0.5).backward(np.ones(3))
        layer = layer_type(0.5)
        layer.forward(np.ones(3))
        with pytest.raises(ValueError, match=r"grad_output has shape \(4,\), but the last forward's mask has shape "
                                             r"\(3,\)"):
            layer.backward(np.ones(4))
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator or None, but got int"):
        Dropout(0.5, rng=0)
    with pytest.raises(TypeError, match="x must be an array of real numbers, but got dtype complex128"):
        Dropout(0.5).forward(np.ones(3, dtype=complex))
    with pytest.raises(ValueError, match=r"the mask of shape \(2,\) does not broadcast to the input's shape \(3,\)"):
        inverted_dropout(np.ones(3), np.ones(2, bool), 0.5)
    with pytest.raises(ValueError, match=r"the mask of shape \(3, 1\) does not broadcast to the input's shape \(3,\)"):
        inverted_dropout(np.ones(3), np.ones((3, 1), bool), 0.5)
