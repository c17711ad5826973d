"""Verdicts of e02_spatial_dropout."""

import torch

from dropout_lib.spatial import spatial_dropout
from grader.checks.mask_verdicts import assert_independent, block_mask
from grader.checks.verdict_common import as_tensor, assert_all_dropped_at_p1, assert_fraction, check_survivor_scale

WHOLE_MAPS = ("each feature map (one sample, one channel) must be kept or dropped as a whole; yours drops single "
              "elements: draw the mask with shape (N, C, 1, ..., 1)")


def channel_mask(y):
    """The (N, C) keep mask of an output whose input had no zeros."""
    return block_mask(as_tensor(y, "the output"), range(2, y.ndim), WHOLE_MAPS)


def verdict_test_channel_masks(obs):
    for name, run in obs.items():
        x, y = run["x"], as_tensor(run["y"], "the output")
        assert y.shape == x.shape, (
            f"{name}: the output must have the input's shape {tuple(x.shape)}, not {tuple(y.shape)}")
        assert run["unchanged"], "spatial_dropout must not modify its input: compute a new tensor"
        kept = channel_mask(y)
        check_survivor_scale(x, y, run["p"], f"{name} input")
        expected = spatial_dropout(x, run["p"], mask=kept.reshape(kept.shape + (1,) * (x.ndim - 2)))
        assert torch.allclose(y, expected, rtol=1e-12, atol=0), f"{name} input: survivors must equal x/(1-p)"


def verdict_test_drop_fraction(obs):
    for run in obs:
        p, (first, second) = run["p"], run["calls"]
        # The mask of the first element of each map: whether maps are dropped whole is another part's business.
        kept = as_tensor(first, "the output").flatten(2)[:, :, 0] != 0
        again = as_tensor(second, "the output").flatten(2)[:, :, 0] != 0
        assert_independent(kept[0::2], kept[1::2], p, "the agreement between the masks of two samples",
                           "each sample needs its own mask: yours drops the same channels in every sample of the batch")
        assert_independent(kept[:, 0::2], kept[:, 1::2], p, "the agreement between the masks of two channels",
                           "each channel needs its own mask entry: yours keeps or drops all channels of a sample "
                           "together")
        assert_fraction(float((~kept).double().mean()), p, kept.numel(), f"with p={p} the fraction of dropped channels")
        assert_independent(kept, again, p, "the agreement between the masks of two calls",
                           "every call must draw a new mask: two calls dropped the same channels")


def verdict_test_gradient(obs):
    y, grad, upstream, p = obs["y"], obs["grad"], obs["upstream"], obs["p"]
    assert grad is not None, "the gradient must flow back to the input: use differentiable tensor operations"
    kept = y != 0
    if torch.allclose(grad, upstream * kept / p, rtol=1e-9, atol=0):
        raise AssertionError("the gradient must be scaled by 1/(1-p), not 1/p")
    assert torch.allclose(grad, upstream * kept / (1 - p), rtol=1e-9, atol=0), (
        "the gradient must be the upstream gradient times the channel mask, scaled by 1/(1-p): the same mask as the "
        "forward pass")


def verdict_test_eval_and_edge_cases(obs):
    x = obs["x"]
    assert torch.equal(as_tensor(obs["eval"], "the output"), x), "with training=False spatial dropout is the identity"
    assert torch.equal(as_tensor(obs["p0"], "the output"), x), "with p=0 nothing is dropped: the output equals x"
    assert_all_dropped_at_p1(obs, x)
    assert (as_tensor(obs["default_training"], "the output") == 0).any(), "training defaults to True"
    assert obs["float32"].dtype == torch.float32, (
        f"the output must keep the input's dtype: float32 in, {obs['float32'].dtype} out")
    assert obs["unchanged"], "spatial_dropout must not modify its input"
