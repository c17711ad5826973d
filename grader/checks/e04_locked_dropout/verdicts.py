"""Verdicts of e04_locked_dropout."""

import torch

from dropout_lib.recurrent import locked_dropout
from grader.checks.mask_verdicts import assert_independent, block_mask
from grader.checks.verdict_common import as_tensor, assert_all_dropped_at_p1, assert_fraction, check_survivor_scale


def locked_mask(y, time_dim, layout):
    """The keep mask of an output whose input had no zeros, with the time dimension kept (size 1)."""
    y = as_tensor(y, "the output")
    kept = block_mask(y, (time_dim,), f"for input {layout} the same mask must be used at every time step; yours "
                                      "changes over time (draw it once per call, with size 1 along time)")
    return kept.unsqueeze(time_dim)


def verdict_test_same_mask_over_time(obs):
    p = obs["p"]
    for key, run in obs["layouts"].items():
        batch_first = key == "True"
        layout = "(N, T, H) with batch_first=True" if batch_first else "(T, N, H)"
        x, y = run["x"], as_tensor(run["y"], "the output")
        assert y.shape == x.shape, f"the output must have the input's shape {tuple(x.shape)}, not {tuple(y.shape)}"
        if key == "default":
            locked_mask(y, 0, "(T, N, H) (batch_first defaults to False)")
            continue
        assert run["unchanged"], "LockedDropout must not modify its input: compute a new tensor"
        kept = locked_mask(y, 1 if batch_first else 0, layout)
        check_survivor_scale(x, y, p, f"input {layout}")
        expected = locked_dropout(x, p, batch_first=batch_first, mask=kept)
        assert torch.allclose(y, expected, rtol=1e-12, atol=0), f"input {layout}: survivors must equal x/(1-p)"


def verdict_test_drop_fraction(obs):
    # The mask of the first time step, (N, H): whether it is locked over time is the business of another part.
    p = obs["p"]
    kept, again = as_tensor(obs["y"], "the output")[0] != 0, as_tensor(obs["again"], "the output")[0] != 0
    assert_independent(kept[0::2], kept[1::2], p, "the agreement between the masks of two sequences",
                       "each sequence needs its own mask: yours drops the same features in every sequence")
    assert_independent(kept[:, 0::2], kept[:, 1::2], p, "the agreement between the masks of two features",
                       "each feature needs its own mask entry: yours drops whole sequences")
    assert_fraction(float((~kept).double().mean()), p, kept.numel(),
                    f"with p={p} the fraction of dropped (sequence, feature) pairs")
    assert_independent(kept, again, p, "the agreement between the masks of two calls",
                       "every call must draw a new mask: two calls dropped the same units")
    default = as_tensor(obs["default_p"], "the output")[0] != 0
    assert_fraction(float((~default).double().mean()), obs["default_rate"], default.numel(),
                    f"with the default p={obs['default_rate']} the dropped fraction")


def verdict_test_gradient(obs):
    y, grad, upstream, p = obs["y"], obs["grad"], obs["upstream"], obs["p"]
    assert grad is not None, "the gradient must flow back to the input: use differentiable tensor operations"
    kept = y != 0
    if torch.allclose(grad, upstream * kept / p, rtol=1e-9, atol=0):
        raise AssertionError("the gradient must be scaled by 1/(1-p), not 1/p")
    assert torch.allclose(grad, upstream * kept / (1 - p), rtol=1e-9, atol=0), (
        "the gradient must be the upstream gradient times the same mask as the forward pass, scaled by 1/(1-p)")


def verdict_test_eval_and_edge_cases(obs):
    x = obs["x"]
    assert obs["is_module"], "LockedDropout must be a torch.nn.Module"
    assert obs["training"] is True, "a new module starts in training mode: call super().__init__()"
    assert torch.equal(as_tensor(obs["eval"], "the output"), x), "in evaluation mode LockedDropout is the identity"
    assert torch.equal(as_tensor(obs["eval_batch_first"], "the output"), x), (
        "in evaluation mode LockedDropout is the identity, with batch_first too")
    assert torch.equal(as_tensor(obs["p0"], "the output"), x), "with p=0 nothing is dropped: the output equals x"
    assert_all_dropped_at_p1(obs, x)
    assert obs["float32"].dtype == torch.float32, (
        f"the output must keep the input's dtype: float32 in, {obs['float32'].dtype} out")
    assert obs["unchanged"], "LockedDropout must not modify its input"
