import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dropout_lib.targeted import TargetedDropoutLinear, targeted_candidates, targeted_dropout, targeted_weight_mask
from tests.lib.stats import assert_fraction


@pytest.mark.parametrize("gamma, k", [(0.3, 3), (0.5, 5), (0.0, 0), (1.0, 10), (0.29, 2)])
def test_candidates_are_exactly_the_smallest_magnitudes_of_each_unit(gamma, k):
    w = torch.randn(8, 10)
    candidates = targeted_candidates(w, gamma)
    smallest = w.abs().argsort(dim=1)[:, :k]
    expected = torch.zeros_like(candidates).scatter_(1, smallest, True)
    assert torch.equal(candidates, expected)


def test_candidate_count_ties_and_convolution_weights():
    assert targeted_candidates(torch.randn(3, 100), 0.29).sum(1).tolist() == [29, 29, 29]  # not 28 by rounding
    assert targeted_candidates(torch.ones(1, 4), 0.5).tolist() == [[True, True, False, False]]  # ties by position
    conv = torch.randn(6, 3, 2, 2)  # per output channel, over its 12 weights
    candidates = targeted_candidates(conv, 0.25)
    assert candidates.shape == conv.shape and candidates.reshape(6, -1).sum(1).tolist() == [3] * 6
    flat = targeted_candidates(conv.reshape(6, 12), 0.25)
    assert torch.equal(candidates.reshape(6, 12), flat)


def test_only_candidates_dropped_at_rate_alpha_without_rescaling():
    w = torch.randn(100, 50, dtype=torch.float64)
    candidates = targeted_candidates(w, 0.5)
    dropped_per_draw = []
    for _ in range(20):
        out = targeted_dropout(w, drop_rate=0.4, targeted_fraction=0.5)
        dropped = out == 0
        assert torch.equal(out[~dropped], w[~dropped])  # no rescaling
        assert not (dropped & ~candidates).any()  # only candidates are ever dropped
        dropped_per_draw.append(dropped[candidates])
    dropped = torch.stack(dropped_per_draw)
    assert_fraction(dropped.double().mean().item(), 0.4, dropped.numel(), "drop fraction among candidates")
    assert not torch.equal(dropped[0], dropped[1])  # a fresh draw each call


def test_given_mask_applies_to_candidates_only_and_gradcheck():
    w = (torch.arange(1, 9, dtype=torch.float64) * torch.tensor([1, -1] * 4)).reshape(2, 4)
    w = w[:, torch.randperm(4)].clone().requires_grad_()  # distinct magnitudes, far apart
    candidates = targeted_candidates(w, 0.5)
    mask = torch.tensor([[0, 1, 0, 1], [0, 0, 1, 1]], dtype=torch.bool)
    out = targeted_dropout(w, 0.5, 0.5, mask=mask)
    assert torch.equal(out, w * (mask | ~candidates).double())
    assert torch.autograd.gradcheck(lambda t: targeted_dropout(t, 0.5, 0.5, mask=mask), (w,))
    random_mask = targeted_weight_mask(w, 0.5, 0.5)
    assert random_mask.dtype == torch.bool and random_mask[~candidates].all()


def test_eval_prunes_the_candidates_unless_asked_not_to():
    w = torch.tensor([[0.1, -2.0, 0.3, 4.0]])
    assert torch.equal(targeted_dropout(w, training=False), torch.tensor([[0.0, -2.0, 0.0, 4.0]]))
    assert targeted_dropout(w, training=False, prune=False) is w
    assert torch.equal(targeted_dropout(w, drop_rate=1.0), targeted_dropout(w, training=False))  # alpha=1 prunes


def test_edge_cases():
    w = torch.randn(3, 4, dtype=torch.float64)
    before = w.clone()
    assert targeted_dropout(w, drop_rate=0.0) is w
    assert torch.equal(targeted_dropout(w, targeted_fraction=0.0), w)
    out = targeted_dropout(w)
    assert out.dtype == torch.float64 and torch.equal(w, before)  # input not modified
    assert targeted_dropout(torch.ones(0, 4)).shape == (0, 4)


def test_layer_initialised_like_linear_one_draw_per_batch_and_pruned_in_eval():
    torch.manual_seed(5)
    ref = nn.Linear(16, 4)
    torch.manual_seed(5)
    layer = TargetedDropoutLinear(16, 4, drop_rate=0.5, targeted_fraction=0.5).double()
    assert torch.equal(layer.weight.float(), ref.weight)
    # one-hot rows read the effective weight exactly: every row of the batch sees the same draw
    y = layer(torch.eye(16, dtype=torch.float64).repeat(2, 1)) - layer.bias
    assert torch.equal(y[:16], y[16:])
    assert not torch.equal(layer(torch.eye(16, dtype=torch.float64)), layer(torch.eye(16, dtype=torch.float64)))
    y.sum().backward()
    assert layer.weight.grad.abs().sum() > 0
    x = torch.randn(3, 16, dtype=torch.float64)
    pruned = layer.weight.masked_fill(targeted_candidates(layer.weight, 0.5), 0.0)
    assert torch.equal(layer.eval()(x), F.linear(x, pruned, layer.bias))
    layer.prune_in_eval = False
    assert torch.equal(layer(x), F.linear(x, layer.weight, layer.bias))
    assert repr(TargetedDropoutLinear(2, 3)) == ("TargetedDropoutLinear(in_features=2, out_features=3, bias=True, "
                                                 "drop_rate=0.5, targeted_fraction=0.5, prune_in_eval=True)")


def test_bad_input_rejected():
    with pytest.raises(ValueError, match=r"weight of shape \(out, in, \*\), at least 2-D, but got shape \(3,\)"):
        targeted_candidates(torch.ones(3), 0.5)
    with pytest.raises(ValueError, match="drop_rate has to be between 0 and 1, but got 1.2"):
        targeted_dropout(torch.ones(2, 2), drop_rate=1.2)
    with pytest.raises(ValueError, match="targeted_fraction has to be between 0 and 1, but got -0.5"):
        TargetedDropoutLinear(2, 2, targeted_fraction=-0.5)
    with pytest.raises(ValueError, match=r"mask broadcastable to \(2, 2\) \(the weight's shape\), but got shape \(3,\)"):
        targeted_dropout(torch.ones(2, 2), mask=torch.ones(3))
