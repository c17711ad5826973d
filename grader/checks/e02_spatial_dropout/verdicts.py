"""Verdicts of e02_spatial_dropout."""

import torch

from grader.checks.verdict_common import as_tensor, assert_fraction, check_survivor_scale


def channel_state(y):
    """Per (sample, channel): 0 dropped, 1 kept; None when some map is partly dropped."""
    flat = y.flatten(2)
    dropped, kept = (flat == 0).all(-1), (flat != 0).all(-1)
    return None if not (dropped | kept).all() else kept


def verdict_test_channel_masks(obs):
    for name, run in obs.items():
        y = as_tensor(run["y"], "the output")
        assert y.shape == run["x"].shape, f"{name}: the output must have the input's shape"
        assert run["unchanged"], "spatial_dropout must not modify its input"
        assert channel_state(y) is not None, (
            f"{name}: each feature map (one sample, one channel) must be kept or dropped as a whole; "
            "yours drops single elements")
        check_survivor_scale(run["x"], y, 0.3, name)


def verdict_test_drop_fraction(obs):
    for key, y in obs.items():
        p = float(key[1:])
        kept = channel_state(as_tensor(y, "the output"))
        assert kept is not None, "each feature map must be kept or dropped as a whole"
        assert_fraction(float((~kept).double().mean()), p, kept.numel(), f"with p={p} the fraction of dropped channels")
        both = float(((~kept[:-1]) & (~kept[1:])).double().mean())
        if abs(both - p) < abs(both - p * p):
            raise AssertionError("each sample needs its own mask: yours drops the same channels in every sample")
        assert_fraction(both, p * p, kept[:-1].numel(), "the fraction of channels dropped in two neighbouring samples")


def verdict_test_gradient(obs):
    y, grad = obs["y"], obs["grad"]
    assert grad is not None, "the gradient must flow back to the input (use differentiable tensor operations)"
    expected = torch.where(y != 0, torch.full_like(y, 1 / 0.6), torch.zeros_like(y))
    assert torch.allclose(grad, expected, rtol=1e-6, atol=0), "the gradient must be the mask scaled by 1/(1-p)"


def verdict_test_eval_and_edge_cases(obs):
    x = obs["x"]
    assert torch.equal(obs["eval"], x), "with training=False spatial dropout is the identity"
    assert torch.equal(obs["p0"], x), "with p=0 nothing is dropped"
    assert torch.equal(obs["p1"], torch.zeros_like(x)), "with p=1 everything is dropped: zeros, not NaN"
    assert not obs["p1_warnings"], f"p=1 must not warn: {obs['p1_warnings'][0]}"
    assert (obs["default_training"] == 0).any(), "training defaults to True"
    assert obs["float32_dtype"] == "torch.float32", "the output must keep the input's dtype"
