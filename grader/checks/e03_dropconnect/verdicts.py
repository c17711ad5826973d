"""Verdicts of e03_dropconnect."""

import math

import torch

from grader.checks.verdict_common import Z, as_tensor, assert_fraction


def verdict_test_parameters(obs):
    w, b = as_tensor(obs["weight"], "weight"), as_tensor(obs["bias"], "bias")
    assert w.shape == (300, 400) and b.shape == (300,), "weight must be (out_features, in_features), bias (out_features,)"
    assert obs["registered"] == ["bias", "weight"], "weight and bias must be nn.Parameter attributes of the module"
    bound = 1 / math.sqrt(400)
    assert w.abs().max() <= bound and b.abs().max() <= bound, "initialise like nn.Linear: uniform in ±1/sqrt(in_features)"
    # a uniform distribution on [-bound, bound] has standard deviation bound/sqrt(3)
    assert abs(float(w.std()) - bound / math.sqrt(3)) < 0.02 * bound, "initialise like nn.Linear: uniform in ±1/sqrt(in_features)"
    assert obs["no_bias"] and obs["no_bias_registered"] == ["weight"], "with bias=False the bias must be None"


def verdict_test_shared_mask(obs):
    w, effective = obs["weight"], obs["effective"]  # effective: (calls, in, out) = dropped weight transposed
    masks = []
    for eff in effective:
        eff = eff.T
        kept = eff != 0
        if not torch.allclose(eff[kept], w[kept] / 0.7, rtol=1e-9, atol=1e-12):
            if torch.allclose(eff[kept], w[kept], rtol=1e-9, atol=1e-12):
                raise AssertionError("kept weights must be scaled by 1/(1-p)")
            raise AssertionError("each output must use the weights kept by ONE mask over the weight matrix, scaled "
                                 "by 1/(1-p), shared by every row of the batch")
        masks.append(kept)
    masks = torch.stack(masks)
    assert_fraction(float((~masks).double().mean()), 0.3, masks.numel(), "the fraction of dropped weights")
    assert not torch.equal(masks[0], masks[1]), "every forward call must draw a new mask"
    b = obs["bias"]
    assert torch.allclose(obs["zeros_in"], b.expand_as(obs["zeros_in"]), rtol=0, atol=1e-12), "the bias is never dropped"
    rows = obs["same_rows"]
    assert torch.allclose(rows, rows[:1].expand_as(rows), rtol=0, atol=1e-9), (
        "one mask per forward call, shared by the whole batch: equal inputs must give equal outputs")


def verdict_test_eval_mode(obs):
    expected = obs["x"] @ obs["weight"].T + obs["bias"]
    assert torch.allclose(obs["y"], expected, rtol=1e-12, atol=1e-12), "in evaluation mode the layer is x @ W.T + b"


def verdict_test_shapes_and_gradients(obs):
    assert obs["shape3"] == [2, 7, 3], "an input (*, in_features) must give an output (*, out_features)"
    assert obs["weight_grad"] is not None and obs["bias_grad"] is not None, "gradients must reach weight and bias"
    used = (obs["out"] - obs["bias"]).squeeze(0)
    assert torch.allclose(obs["bias_grad"], torch.ones(3, dtype=torch.float64)), "the bias gets the full gradient"
    grad = obs["weight_grad"]
    kept = grad != 0
    assert torch.allclose(grad[kept], torch.full_like(grad[kept], 2.0)), (
        "for x = 1, a kept weight's gradient is 1/(1-p) and a dropped weight's is 0")
    assert torch.allclose((grad * obs["weight"]).sum(1), used, rtol=1e-9, atol=1e-12), (
        "the gradient must use the same mask as the forward pass")
