"""Verdicts of e03_dropconnect."""

import math

import torch

from dropout_lib.dropconnect import dropconnect_linear
from grader.checks.mask_verdicts import assert_independent
from grader.checks.verdict_common import Z, as_tensor, assert_fraction

LIKE_LINEAR = "initialise like nn.Linear: weight and bias uniform in ±1/sqrt(in_features)"


def verdict_test_parameters(obs):
    assert obs["is_module"], "DropConnectLinear must be a torch.nn.Module"
    assert obs["training"] is True, "a new module starts in training mode: call super().__init__()"
    w, b = as_tensor(obs["weight"], "weight"), as_tensor(obs["bias"], "bias")
    n_in, n_out = obs["in_features"], obs["out_features"]
    assert w.shape == (n_out, n_in) and b.shape == (n_out,), (
        f"weight must be (out_features, in_features) = {(n_out, n_in)} and bias (out_features,) = {(n_out,)}, but "
        f"they are {tuple(w.shape)} and {tuple(b.shape)}")
    assert obs["registered"] == ["bias", "weight"], (
        f"weight and bias must be nn.Parameter attributes of the module itself, but its parameters are "
        f"{obs['registered']}")
    bound = 1 / math.sqrt(n_in)
    assert w.abs().max() <= bound and b.abs().max() <= bound, LIKE_LINEAR
    # U(-bound, bound) has mean 0 and standard deviation bound/sqrt(3); the sample std has a relative standard
    # error of about sqrt(0.8 / (4 n)) (0.13% for the weight, 2.6% for the bias).
    std = bound / math.sqrt(3)
    assert abs(float(w.mean())) <= Z * std / math.sqrt(w.numel()), LIKE_LINEAR
    assert abs(float(w.std()) / std - 1) < 0.02, LIKE_LINEAR
    assert abs(float(b.std()) / std - 1) < 0.2, LIKE_LINEAR
    assert obs["no_bias"] and obs["no_bias_registered"] == ["weight"], "with bias=False the bias must be None"


def used_weights(obs):
    """The weight each call used, (calls, out, in), read off the outputs for the identity input."""
    return obs["effective"].transpose(1, 2)


def verdict_test_shared_mask(obs):
    w, b, p = obs["weight"], obs["bias"], obs["p"]
    assert torch.equal(obs["weight_after"], w) and torch.equal(obs["bias_after"], b), (
        "the forward pass must not change the layer's parameters: multiply a copy of the weight by the mask "
        "(weight * mask), never the parameter in place")
    assert torch.allclose(obs["zeros_in"], b.expand_as(obs["zeros_in"]), rtol=0, atol=1e-12), (
        "for a zero input the output must be the bias in every call: DropConnect drops weights, never the bias "
        "and never whole outputs")
    rows = obs["same_rows"]
    assert torch.allclose(rows, rows[:1].expand_as(rows), rtol=0, atol=1e-9), (
        "one mask per forward call, shared by the whole batch: equal input rows must give equal outputs")
    masks = []
    for used in used_weights(obs):
        kept = used != 0
        if torch.allclose(used[kept], w[kept] / p, rtol=1e-9, atol=1e-12):
            raise AssertionError("kept weights must be scaled by 1/(1-p), not 1/p")
        if torch.allclose(used[kept], w[kept], rtol=1e-9, atol=1e-12):
            raise AssertionError("kept weights must be scaled by 1/(1-p); yours are not scaled")
        expected = dropconnect_linear(torch.eye(w.shape[1], dtype=torch.float64), w, None, p, mask=kept).T
        assert torch.allclose(used, expected, rtol=1e-9, atol=1e-12), (
            "each output must use the weights kept by ONE mask over the weight matrix, scaled by 1/(1-p), shared by "
            "every row of the batch")
        masks.append(kept)
    masks = torch.stack(masks)
    assert_independent(masks[0::2], masks[1::2], p, "the agreement between the masks of two calls",
                       "every forward call must draw a new mask: yours uses the same mask every time")
    assert_independent(masks[:, :, 0::2], masks[:, :, 1::2], p, "the agreement between the masks of two columns",
                       "every weight needs its own mask entry: yours drops whole rows of the weight together")
    assert_independent(masks[:, 0::2], masks[:, 1::2], p, "the agreement between the masks of two rows",
                       "every weight needs its own mask entry: yours drops whole columns of the weight together "
                       "(that is dropout on the inputs, not DropConnect)")
    assert_fraction(float((~masks).double().mean()), p, masks.numel(), f"with p={p} the fraction of dropped weights")


def verdict_test_eval_and_edge_cases(obs):
    x, w, b = obs["x"], obs["weight"], obs["bias"]
    plain = dropconnect_linear(x, w, b, obs["p"], training=False)
    assert torch.allclose(as_tensor(obs["eval"], "the output"), plain, rtol=1e-12, atol=1e-12), (
        "in evaluation mode the layer is x @ weight.T + bias, with no mask and no scaling")
    assert torch.allclose(as_tensor(obs["p0"], "the output"), plain, rtol=1e-12, atol=1e-12), (
        "with p=0 nothing is dropped: the layer is x @ weight.T + bias")
    status, result = obs["p1"]
    assert status == "ok", (
        f"with p=1 a float64 layer (after .double()) raised {status}: {result}; the dropped weight must keep the "
        "weight's dtype (torch.zeros_like)")
    p1, p1_warnings = as_tensor(result[0], "the output"), result[1]
    assert not torch.isnan(p1).any(), "with p=1 every weight is dropped: no NaN (do not divide by 1-p=0)"
    assert torch.allclose(p1, b.expand_as(p1), rtol=0, atol=1e-12), (
        "with p=1 every weight is dropped and the output is the bias alone")
    assert not p1_warnings, f"p=1 must not warn: {p1_warnings[0]}"
    assert obs["float32"].dtype == torch.float32, (
        f"a float32 layer with a float32 input must give float32, not {obs['float32'].dtype}")
    assert list(obs["no_bias_eval"].shape) == [10, 4], "with bias=False the layer is x @ weight.T"
    assert obs["unchanged"], "the forward pass must not modify its input"


def verdict_test_shapes_and_gradients(obs):
    assert obs["shape3"] == [2, 7, 3], (
        f"an input (2, 7, in_features) must give (2, 7, out_features), not {obs['shape3']}")
    assert obs["shape1"] == [3], f"an input (in_features,) must give (out_features,), not {obs['shape1']}"
    assert obs["no_bias_shape"] == [4, 3], "with bias=False the layer must still work"
    assert obs["weight_grad"] is not None and obs["bias_grad"] is not None, "gradients must reach weight and bias"
    assert torch.allclose(obs["bias_grad"], torch.ones(3, dtype=torch.float64)), (
        "the bias is never dropped, so it gets the full gradient (1 for each output of out.sum())")
    grad, p = obs["weight_grad"], obs["p"]
    kept = grad != 0
    assert torch.allclose(grad[kept], torch.full_like(grad[kept], 1 / (1 - p))), (
        f"for x = 1 and p = {p}, a kept weight's gradient is 1/(1-p) = {1 / (1 - p):g} and a dropped weight's is 0")
    used = obs["weight"] * grad  # the weight the call used, since grad = mask / (1-p) for x = 1
    assert torch.allclose(used.sum(1), (obs["out"] - obs["bias"]).squeeze(0), rtol=1e-9, atol=1e-12), (
        "the gradient must use the same mask as the forward pass")
    assert obs["input_grad"] is not None, "the gradient must reach the input too"
    assert torch.allclose(obs["input_grad"].squeeze(0), used.sum(0), rtol=1e-9, atol=1e-12), (
        "the input's gradient must go through the dropped, scaled weights of the same call")
