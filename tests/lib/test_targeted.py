import math

import pytest
import torch

from dropout_lib.targeted import TargetedDropoutLinear, targeted_candidates, targeted_dropout
from tests.lib.stats import assert_fraction


def test_candidates_are_the_smallest_magnitudes_of_each_row():
    w = torch.randn(8, 10)
    cand = targeted_candidates(w, 0.3)
    assert (cand.sum(1) == 3).all()
    for row, c in zip(w.abs(), cand):
        assert row[c].max() <= row[~c].min()


def test_only_candidates_dropped_at_rate_alpha_without_rescaling():
    torch.manual_seed(0)
    w = torch.randn(200, 50, dtype=torch.float64)
    cand = targeted_candidates(w, 0.5)
    dropped = torch.zeros_like(w, dtype=torch.bool)
    for _ in range(20):
        out = targeted_dropout(w, drop_rate=0.4, targeted_fraction=0.5)
        kept = out != 0
        assert torch.equal(out[kept], w[kept])  # no rescaling
        assert not (~kept & ~cand).any()  # only candidates ever dropped
        dropped |= ~kept
        assert_fraction((~kept[cand]).double().mean().item(), 0.4, int(cand.sum()), "candidate drop fraction")


def test_eval_prunes_candidates_or_keeps_weights():
    w = torch.tensor([[0.1, -2.0, 0.3, 4.0]])
    assert torch.equal(targeted_dropout(w, training=False), torch.tensor([[0.0, -2.0, 0.0, 4.0]]))
    assert targeted_dropout(w, training=False, prune=False) is w


def test_layer_and_gradient():
    layer = TargetedDropoutLinear(16, 4, drop_rate=0.5, targeted_fraction=0.25)
    y = layer(torch.randn(3, 16))
    y.sum().backward()
    assert y.shape == (3, 4) and layer.weight.grad.abs().sum() > 0
    assert "drop_rate=0.5" in repr(layer)


def test_bad_input():
    with pytest.raises(ValueError, match="2-D weight"):
        targeted_candidates(torch.ones(3), 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        targeted_dropout(torch.ones(2, 2), drop_rate=1.2)
