"""Verdicts of e06_drop_path."""

import torch

from dropout_lib.drop_path import drop_path as reference_drop_path
from dropout_lib.drop_path import drop_path_rates as reference_rates
from grader.checks.mask_verdicts import assert_independent, block_mask
from grader.checks.verdict_common import as_tensor, assert_fraction, check_survivor_scale

WHOLE_SAMPLES = ("each sample's whole branch must be kept or dropped together, not single elements: draw the mask "
                 "with shape (B, 1, ..., 1)")


def sample_mask(y):
    """The (B,) keep mask of an output whose input had no zeros."""
    y = as_tensor(y, "the output")
    return block_mask(y, range(1, y.ndim), WHOLE_SAMPLES)


def as_mask_of(kept, x):
    return kept.reshape((-1,) + (1,) * (x.ndim - 1))


def verdict_test_per_sample(obs):
    x, p = obs["x"], obs["p"]
    assert obs["unchanged"], "drop_path must not modify its input: compute a new tensor"
    for name, given in (("scaled", x), ("unscaled", x), ("again", x), ("image_out", obs["image"])):
        assert as_tensor(obs[name], "the output").shape == given.shape, "the output must have the input's shape"
    kept = sample_mask(obs["scaled"])
    if kept.all() or not kept.any():
        raise AssertionError("each sample needs its own coin: yours keeps or drops the whole batch together")
    assert_fraction(float((~kept).double().mean()), p, kept.numel(), f"with p={p} the fraction of dropped samples")
    assert_independent(kept[0::2], kept[1::2], p, "the agreement between neighbouring samples' coins",
                       "each sample needs its own coin: yours keeps or drops samples in pairs")
    assert_independent(kept, sample_mask(obs["again"]), p, "the agreement between the masks of two calls",
                       "every call must draw new coins: two calls dropped the same samples")
    check_survivor_scale(x, obs["scaled"], p, "with scale_by_keep=True")
    expected = reference_drop_path(x, p, True, mask=as_mask_of(kept, x))
    assert torch.allclose(obs["scaled"], expected, rtol=1e-12, atol=0), (
        "with scale_by_keep=True kept samples are x/(1-p)")
    unscaled_kept = sample_mask(obs["unscaled"])
    expected = reference_drop_path(x, p, True, scale_by_keep=False, mask=as_mask_of(unscaled_kept, x))
    assert torch.equal(obs["unscaled"], expected), "with scale_by_keep=False kept samples are returned unscaled"
    image, image_kept = obs["image"], sample_mask(obs["image_out"])
    expected = reference_drop_path(image, p, True, mask=as_mask_of(image_kept, image))
    assert torch.allclose(obs["image_out"], expected, rtol=1e-12, atol=0), (
        "for a 4-D input (B, C, H, W) each sample's whole (C, H, W) block is kept (scaled by 1/(1-p)) or dropped")


def verdict_test_eval_and_edge_cases(obs):
    x = obs["x"]
    assert torch.equal(as_tensor(obs["defaults"], "the output"), x), (
        "by default (p=0, training=False) drop_path is the identity")
    assert torch.equal(as_tensor(obs["p0"], "the output"), x), "with p=0 nothing is dropped"
    assert torch.equal(as_tensor(obs["eval"], "the output"), x), "with training=False drop_path is the identity"
    assert torch.equal(as_tensor(obs["training_default"], "the output"), x), (
        "training defaults to False (as in timm): drop_path(x, 0.5) is the identity")
    assert torch.equal(as_tensor(obs["eval_unscaled"], "the output"), x), (
        "with training=False drop_path is the identity, whatever scale_by_keep")
    for key in ("p1", "p1_unscaled"):
        p1, warnings = obs[key]
        p1 = as_tensor(p1, "the output")
        assert not torch.isnan(p1).any(), "with p=1 every branch is dropped: zeros, not NaN (do not divide by 1-p=0)"
        assert torch.equal(p1, torch.zeros_like(x)), "with p=1 every branch is dropped: the output is all zeros"
        assert not warnings, f"p=1 must not warn: {warnings[0]}"
    assert obs["float32"].dtype == torch.float32, (
        f"the output must keep the input's dtype: float32 in, {obs['float32'].dtype} out")


def verdict_test_rates(obs):
    for case in obs["cases"]:
        depth, rate, got = case["depth"], case["max_rate"], case["rates"]
        expected = reference_rates(depth, rate)
        assert isinstance(got, list) and len(got) == depth, (
            f"drop_path_rates({depth}, {rate}) must be a list of {depth} rates, one per block")
        # 1e-6 lets float32 arithmetic through (timm computes the rates with torch.linspace in float32)
        assert all(abs(a - b) < 1e-6 for a, b in zip(got, expected)), (
            f"drop_path_rates({depth}, {rate}) must be {[round(r, 4) for r in expected]}: block i gets "
            "max_rate * i / (depth - 1), the first 0, the last max_rate (a single block gets 0.0)")
    assert set(obs["types"]) == {"float"}, "the rates must be Python floats (not tensors or NumPy numbers)"
    assert set(obs["int_rate_types"]) == {"float"}, "the rates must be Python floats even when max_rate is 0"


def verdict_test_gradient(obs):
    y, grad, upstream, p = obs["y"], obs["grad"], obs["upstream"], obs["p"]
    assert grad is not None, "the gradient must flow back to the input: use differentiable tensor operations"
    kept = y != 0
    if torch.allclose(grad, upstream * kept / p, rtol=1e-9, atol=0):
        raise AssertionError("the gradient must be scaled by 1/(1-p), not 1/p")
    assert torch.allclose(grad, upstream * kept / (1 - p), rtol=1e-9, atol=0), (
        "the gradient must be the upstream gradient times the same mask as the forward pass, scaled by 1/(1-p)")
