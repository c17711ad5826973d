"""Verdicts of e04_locked_dropout."""

import torch

from grader.checks.verdict_common import as_tensor, assert_fraction, check_survivor_scale


def verdict_test_same_mask_over_time(obs):
    for batch_first, run in obs.items():
        layout = "(N, T, H)" if batch_first == "True" else "(T, N, H)"
        x, y = run["x"], as_tensor(run["y"], "the output")
        assert y.shape == x.shape, "the output must have the input's shape"
        assert run["unchanged"], "LockedDropout must not modify its input"
        time_dim = 1 if batch_first == "True" else 0
        dropped = y == 0
        first = dropped.select(time_dim, 0).unsqueeze(time_dim)
        assert torch.equal(dropped, first.expand_as(dropped)), (
            f"for input {layout} the same mask must be used at every time step; yours changes over time")
        check_survivor_scale(x, y, 0.4, f"input {layout}")


def verdict_test_drop_fraction(obs):
    y = as_tensor(obs["y"], "the output")[0]  # (N, H) mask of the first step
    dropped = y == 0
    assert_fraction(float(dropped.double().mean()), 0.5, dropped.numel(), "the fraction of dropped (sequence, feature)")
    both = float((dropped[:-1] & dropped[1:]).double().mean())
    if abs(both - 0.5) < abs(both - 0.25):
        raise AssertionError("each sequence needs its own mask: yours drops the same features in every sequence")
    assert_fraction(both, 0.25, dropped[:-1].numel(), "the fraction of a feature dropped in two neighbouring sequences")


def verdict_test_eval_and_gradient(obs):
    x, y = obs["x"], obs["y"]
    assert torch.equal(obs["eval"], x), "in evaluation mode LockedDropout is the identity"
    assert obs["grad"] is not None, "the gradient must flow back to the input"
    assert torch.allclose(obs["grad"], (y != 0).double() * 2), "the gradient is the mask times 1/(1-p)"
    assert_fraction(float((obs["default_p"][0] == 0).double().mean()), 0.5, 8000, "with the default p=0.5 the dropped fraction")
