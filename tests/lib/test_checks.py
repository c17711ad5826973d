"""Bad input is refused with an error that names the argument, what was expected and what came.

Each case below once gave a silent wrong answer or a cryptic message; the cases mirror the argument checks of
``dropout_lib/_checks.py`` and every public entry point that uses them.
"""

import numpy as np
import pytest
import torch
from torch import nn

from dropout_lib import (AlphaDropout, ConcreteDropout, DropConnectLinear, DropPath, Dropout, FeatureAlphaDropout,
                         GaussianDropout, LockedDropout, SpatialDropout1d, SpatialDropout2d, TargetedDropoutLinear,
                         alpha_dropout, concrete_dropout, curriculum_rate, drop_path, drop_path_rates,
                         dropconnect_linear, dropout, dropout_variance, feature_alpha_dropout, gaussian_dropout,
                         linear_ramp, locked_dropout, mc_classify, mc_predict, relaxed_drop_indicator,
                         spatial_dropout, targeted_candidates, targeted_dropout)
from dropout_lib.dropconnect import dropconnect_weight

X3 = torch.ones(2, 3, 4)  # fits every layer: (N, C, L), (T, N, H), (out, in, *)

# Every function that takes an input tensor, called with a given x (and, through **kw, any other argument).
FUNCTIONS = {
    "dropout": lambda x, **kw: dropout(x, 0.5, **kw),
    "spatial_dropout": lambda x, **kw: spatial_dropout(x, 0.5, **kw),
    "alpha_dropout": lambda x, **kw: alpha_dropout(x, 0.5, **kw),
    "feature_alpha_dropout": lambda x, **kw: feature_alpha_dropout(x, 0.5, **kw),
    "gaussian_dropout": lambda x, **kw: gaussian_dropout(x, 0.5, **kw),
    "locked_dropout": lambda x, **kw: locked_dropout(x, 0.5, **kw),
    "drop_path": lambda x, **kw: drop_path(x, 0.5, **kw),
    "concrete_dropout": lambda x, **kw: concrete_dropout(x, 0.0, **kw),
    "dropconnect_weight": lambda x, **kw: dropconnect_weight(x, 0.5, **kw),
    "targeted_dropout": lambda x, **kw: targeted_dropout(x, 0.5, **kw),
}


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.uint8, torch.bool])
@pytest.mark.parametrize("training", [True, False])
def test_integer_and_bool_tensors_refused(name, dtype, training):
    # PyTorch raises too ("result type Float can't be cast to the desired output type Long"); before, integers
    # came back as float32, were truncated by inplace=True, and stayed int64 at p = 1
    argument = "weight" if name in ("dropconnect_weight", "targeted_dropout") else "x"
    with pytest.raises(TypeError, match=f"{argument} must be a floating-point tensor, but got dtype {dtype}"):
        FUNCTIONS[name](X3.to(dtype), training=training)


def test_integer_tensor_refused_in_place_and_at_p_one():
    x = torch.arange(6)
    with pytest.raises(TypeError, match="x must be a floating-point tensor, but got dtype torch.int64"):
        dropout(x, 0.5, inplace=True)
    with pytest.raises(TypeError, match="x must be a floating-point tensor, but got dtype torch.int64"):
        dropout(x, 1.0)
    assert torch.equal(x, torch.arange(6))  # untouched


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("bad, kind", [(np.ones((2, 3, 4)), "numpy.ndarray"), ([[[1.0] * 4] * 3] * 2, "list")])
def test_arrays_and_lists_into_torch_functions_refused(name, bad, kind):
    with pytest.raises(TypeError, match=f"must be a torch.Tensor, but got {kind}"):
        FUNCTIONS[name](bad)


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("training", ["no", 1, None, np.bool_(True)])
def test_training_must_be_bool(name, training):
    # training="no" is truthy: it used to apply dropout
    with pytest.raises(TypeError, match=f"training must be bool, but got {type(training).__name__}"):
        FUNCTIONS[name](X3, training=training)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_numpy_generator_refused(name):
    with pytest.raises(TypeError, match="generator must be a torch.Generator or None, but got numpy.random"):
        FUNCTIONS[name](X3, generator=np.random.default_rng(0))


@pytest.mark.parametrize("call", [
    lambda: dropout(X3, 0.5, inplace="yes"), lambda: spatial_dropout(X3, 0.5, inplace=1),
    lambda: alpha_dropout(X3, 0.5, inplace=None), lambda: Dropout(0.5, inplace="no"),
    lambda: locked_dropout(X3, 0.5, batch_first="yes"), lambda: drop_path(X3, 0.5, True, scale_by_keep=0),
    lambda: targeted_dropout(X3, prune="yes"), lambda: mc_predict(nn.Dropout(0.5), X3, 2, batched="yes"),
])
def test_flags_must_be_bool(call):
    with pytest.raises(TypeError, match=r"(inplace|batch_first|scale_by_keep|prune|batched) must be bool, but got"):
        call()


# Masks: (function, input, a mask that must be refused, the message)
BAD_MASKS = {
    "enlarges the input": (dropout, torch.ones(2, 3), torch.ones(4, 2, 3), r"dropout expects mask broadcastable "
                           r"to \(2, 3\), but got shape \(4, 2, 3\)"),
    "full-size spatial": (spatial_dropout, torch.ones(2, 3, 4), torch.ones(2, 3, 4),
                          r"broadcastable to \(2, 3, 1\) \(one value per sample and channel\), but got shape"),
    "full-size feature alpha": (feature_alpha_dropout, torch.ones(2, 3, 4), torch.ones(2, 3, 4),
                                r"broadcastable to \(2, 3, 1\) \(one value per sample and channel\)"),
    "full-size locked": (locked_dropout, torch.ones(5, 2, 3), torch.ones(5, 2, 3),
                         r"broadcastable to \(1, 2, 3\) \(one value per sequence and feature\)"),
    "full-size drop path": (lambda x, p, **kw: drop_path(x, p, True, **kw), torch.ones(2, 3), torch.ones(2, 3),
                            r"broadcastable to \(2, 1\) \(one value per sample\)"),
    "two in dropout": (dropout, torch.ones(4), torch.tensor([1.0, 2.0, 0.0, 1.0]), "only 0 and 1 .* values such as 2"),
    "half in alpha": (alpha_dropout, torch.ones(2), torch.tensor([0.5, 1.0]), "only 0 and 1 .* values such as 0.5"),
    "minus one in locked": (locked_dropout, torch.ones(2, 1, 2), -torch.ones(1, 1, 2), "values such as -1"),
    "two in drop path": (lambda x, p, **kw: drop_path(x, p, True, **kw), torch.ones(2, 3), torch.full((2, 1), 2.0),
                         "only 0 and 1"),
    "two in dropconnect": (dropconnect_weight, torch.ones(2, 2), torch.full((2, 2), 2.0), "only 0 and 1"),
    "two in targeted": (targeted_dropout, torch.ones(2, 2), torch.full((2, 2), 2.0), "only 0 and 1"),
}


@pytest.mark.parametrize("case", BAD_MASKS)
def test_bad_masks_refused(case):
    function, x, mask, message = BAD_MASKS[case]
    with pytest.raises(ValueError, match=message):
        function(x, 0.5, mask=mask)


def test_bool_and_float_masks_of_zeros_and_ones_accepted():
    mask = torch.tensor([True, False, True])
    assert torch.equal(dropout(torch.ones(3), 0.5, mask=mask), dropout(torch.ones(3), 0.5, mask=mask.double()))


@pytest.mark.parametrize("function, x", [(dropout, torch.ones(3)), (spatial_dropout, torch.ones(1, 3, 2)),
                                         (locked_dropout, torch.ones(2, 1, 3)), (dropconnect_weight, torch.ones(3))])
def test_numpy_mask_refused(function, x):
    with pytest.raises(TypeError, match="mask must be a torch.Tensor, but got numpy.ndarray"):
        function(x, 0.5, mask=np.ones(x.shape))


def test_gaussian_noise_checked():
    with pytest.raises(TypeError, match="noise must be a torch.Tensor, but got numpy.ndarray"):
        gaussian_dropout(torch.ones(3), 0.5, noise=np.ones(3))
    with pytest.raises(ValueError, match=r"gaussian_dropout expects noise broadcastable to \(3,\), but got shape"):
        gaussian_dropout(torch.ones(3), 0.5, noise=torch.ones(2, 3))


@pytest.mark.parametrize("p", [torch.tensor([0.1, 0.2]), np.array([0.1, 0.2]), torch.ones(0)])
def test_rate_as_multi_element_tensor_refused(p):
    with pytest.raises(TypeError, match=r"p must be a real number or a one-element tensor, but got .* of shape"):
        dropout(torch.ones(3), p)


def test_rate_as_one_element_tensor_accepted_as_pytorch_does():
    x = torch.ones(1000)
    a = dropout(x, torch.tensor(0.3), generator=torch.Generator().manual_seed(0))
    b = dropout(x, 0.3, generator=torch.Generator().manual_seed(0))
    assert torch.equal(a, b)


@pytest.mark.parametrize("p", [True, "0.5", torch.tensor(True), None])
def test_rate_of_wrong_kind_refused(p):
    with pytest.raises(TypeError, match="p must be a real number"):
        Dropout(p)


RANGE_ERRORS = {
    "targeted_fraction": lambda: targeted_candidates(torch.ones(2, 2), targeted_fraction=1.5),
    "final_keep": lambda: curriculum_rate(10, final_keep=-0.1),
    "init_p": lambda: ConcreteDropout(init_p=2.0),
    "max_rate": lambda: drop_path_rates(4, max_rate=1.2),
    "end_p": lambda: linear_ramp(1, 10, end_p=3.0),
    "start_p": lambda: linear_ramp(1, 10, start_p=-1.0),
    "drop_rate": lambda: TargetedDropoutLinear(2, 2, drop_rate=1.1),
}


@pytest.mark.parametrize("argument", RANGE_ERRORS)
def test_range_errors_name_the_argument(argument):
    with pytest.raises(ValueError, match=f"^{argument} has to be between 0 and 1, but got -?[0-9.]+$"):
        RANGE_ERRORS[argument]()


def test_dropout_probability_message_is_pytorchs():
    with pytest.raises(ValueError, match=r"^dropout probability has to be between 0 and 1, but got 1.5$"):
        dropout(torch.ones(2), 1.5)


@pytest.mark.parametrize("u", [torch.tensor([-0.1, 0.5, 0.5]), torch.tensor([0.5, 1.2, 0.5]),
                               torch.tensor([0.5, float("nan"), 0.5])])
def test_concrete_noise_outside_the_unit_interval_refused(u):
    # it gave NaN outputs
    with pytest.raises(ValueError, match=r"concrete_dropout expects noise u in \[0, 1\], but got values from"):
        concrete_dropout(torch.ones(3), 0.0, u=u)
    with pytest.raises(ValueError, match=r"relaxed_drop_indicator expects noise u in \[0, 1\]"):
        relaxed_drop_indicator(torch.tensor(0.5), u)


def test_concrete_noise_at_the_ends_is_finite():
    y = concrete_dropout(torch.ones(2), 0.0, u=torch.tensor([0.0, 1.0]))
    assert torch.isfinite(y).all()


def test_concrete_other_arguments_checked():
    with pytest.raises(TypeError, match="p_logit must be a tensor or a real number, but got str"):
        concrete_dropout(torch.ones(3), "0")
    with pytest.raises(TypeError, match="temperature must be a real number, but got str"):
        concrete_dropout(torch.ones(3), 0.0, temperature="hot")
    with pytest.raises(TypeError, match="u must be a torch.Tensor, but got numpy.ndarray"):
        concrete_dropout(torch.ones(3), 0.0, u=np.full(3, 0.5))


@pytest.mark.parametrize("var", [-1, -1.0, np.array([1.0, -0.5]), torch.tensor([1.0, -0.5])])
def test_dropout_variance_refuses_negative_variance(var):
    # dropout_variance(0, -1, 0.5) returned negative variances
    with pytest.raises(ValueError, match="var must be non-negative"):
        dropout_variance(0.0, var, 0.5)


def test_dropout_variance_accepts_negative_means():
    assert dropout_variance(-1.0, 1.0, 0.5) == (3.0, 1.0)


def test_mc_classify_refuses_one_dimensional_output():
    # softmax over dim -1 of (T, N) samples normalised across the batch
    net = nn.Sequential(nn.Linear(4, 1), nn.Dropout(0.5), nn.Flatten(0))
    with pytest.raises(ValueError, match=r"mc_classify expects the model to return logits of shape \(N, K\), "
                                         r"but model\(x\) has shape \(5,\)"):
        mc_classify(net, torch.randn(5, 4), n_samples=3)


@pytest.mark.parametrize("layer", [Dropout, SpatialDropout1d, SpatialDropout2d, AlphaDropout, FeatureAlphaDropout,
                                   GaussianDropout, LockedDropout, DropPath])
def test_modules_refuse_integer_input_and_arrays(layer):
    module = layer(0.5)
    x = torch.ones(2, 3, 4, 5) if layer is SpatialDropout2d else X3
    with pytest.raises(TypeError, match="x must be a floating-point tensor, but got dtype torch.int64"):
        module(x.long())
    with pytest.raises(TypeError, match="x must be a torch.Tensor, but got numpy.ndarray"):
        module(x.numpy())


def test_dropconnect_linear_checks_input_and_weight():
    with pytest.raises(TypeError, match="x must be a floating-point tensor, but got dtype torch.int64"):
        DropConnectLinear(3, 2)(torch.ones(4, 3, dtype=torch.int64))
    with pytest.raises(TypeError, match="weight must be a torch.Tensor, but got numpy.ndarray"):
        dropconnect_linear(torch.ones(4, 3), np.ones((2, 3)))


@pytest.mark.parametrize("call, message", [
    (lambda: linear_ramp(1, "10"), "total_steps must be a real number, but got str"),
    (lambda: linear_ramp("1", 10), "step must be a real number, but got str"),
    (lambda: curriculum_rate(1, gamma=None), "gamma must be a real number, but got NoneType"),
    (lambda: ConcreteDropout(temperature="hot"), "temperature must be a real number, but got str"),
    (lambda: relaxed_drop_indicator(torch.tensor(0.5), torch.rand(3), temperature=torch.ones(2)),
     "temperature must be a real number, but got a tensor of dtype torch.float32"),
])
def test_numbers_of_the_wrong_kind_refused(call, message):
    # they failed inside a comparison: "'>' not supported between instances of 'str' and 'int'"
    with pytest.raises(TypeError, match=message):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: linear_ramp(1, float("nan")), "total_steps must be positive, but got nan"),
    (lambda: curriculum_rate(-1), "step must be non-negative, but got -1"),
    (lambda: relaxed_drop_indicator(torch.tensor(0.5), torch.rand(3), temperature=0.0),
     "temperature must be positive, but got 0.0"),
])
def test_numbers_out_of_range_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
