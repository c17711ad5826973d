import warnings

import pytest
import torch
from torch import nn

from dropout_lib.recurrent import LockedDropout, WeightDrop, locked_dropout
from tests.lib.stats import assert_fraction


@pytest.mark.parametrize("batch_first", [False, True])
def test_same_mask_at_every_time_step(batch_first):
    shape = (40, 30, 16) if batch_first else (30, 40, 16)
    x = torch.ones(shape, dtype=torch.float64)
    y = LockedDropout(0.4, batch_first=batch_first)(x)
    time_dim = 1 if batch_first else 0
    first = y.select(time_dim, 0).unsqueeze(time_dim)
    assert torch.equal(y, first.expand_as(y))
    assert_fraction((first == 0).float().mean().item(), 0.4, 40 * 16, "drop fraction")
    assert set(first.unique().tolist()) <= {0.0, 1 / 0.6}


def test_masks_independent_across_sequences_and_features():
    y = locked_dropout(torch.ones(2, 20_000, 2, dtype=torch.float64), 0.5)[0]
    both = ((y[:, 0] == 0) & (y[:, 1] == 0)).double().mean().item()
    assert_fraction(both, 0.25, 20_000, "both features dropped")
    seqs = ((y[:10_000, 0] == 0) & (y[10_000:, 0] == 0)).double().mean().item()
    assert_fraction(seqs, 0.25, 10_000, "two sequences dropped")


def test_given_mask_exact_and_gradcheck():
    x = torch.randn(5, 3, 4, dtype=torch.float64, requires_grad=True)
    mask = torch.rand(1, 3, 4) > 0.5
    assert torch.equal(locked_dropout(x, 0.5, mask=mask), x * (mask.double() / 0.5))
    assert torch.autograd.gradcheck(lambda t: locked_dropout(t, 0.5, mask=mask), (x,))


def test_edge_cases_and_bad_rank():
    x = torch.randn(4, 2, 3)
    assert locked_dropout(x, 0.0) is x
    assert torch.equal(LockedDropout(0.5).eval()(x), x)
    assert torch.equal(locked_dropout(x, 1.0), torch.zeros_like(x))
    with pytest.raises(ValueError, match=r"locked_dropout \(T, N, H\) expects a 3-D input"):
        locked_dropout(torch.ones(4, 3), 0.5)
    with pytest.raises(ValueError, match=r"\(N, T, H\) expects a 3-D input"):
        LockedDropout(0.5, batch_first=True)(torch.ones(2, 3, 4, 5))


@pytest.mark.parametrize("rnn_class", [nn.LSTM, nn.GRU, nn.RNN])
def test_weight_drop_equals_plain_module_with_masked_weight(rnn_class):
    torch.manual_seed(1)
    rnn = rnn_class(4, 6).double()
    raw = rnn.weight_hh_l0.detach().clone()
    wrapped = WeightDrop(rnn, p=0.3)
    mask = torch.rand(raw.shape) > 0.3
    x = torch.randn(7, 2, 4, dtype=torch.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "weights are not part of single contiguous chunk" warning
        out = wrapped(x, masks={"weight_hh_l0": mask})[0]
    ref = rnn_class(4, 6).double()
    ref.load_state_dict(rnn.state_dict())
    with torch.no_grad():
        ref.weight_hh_l0.copy_(raw * (mask.double() / 0.7))
    assert torch.allclose(out, ref(x)[0], rtol=0, atol=1e-12)
    assert torch.equal(rnn.weight_hh_l0, raw)  # the stored parameter is never changed
    out.sum().backward()
    assert rnn.weight_hh_l0.grad is not None and rnn.weight_hh_l0.grad.abs().sum() > 0
    assert torch.equal(rnn.weight_hh_l0.grad == 0, ~mask.expand_as(raw) | (rnn.weight_hh_l0.grad == 0))


def test_weight_drop_fresh_mask_each_call_and_raw_weights_in_eval():
    torch.manual_seed(2)
    wrapped = WeightDrop(nn.LSTM(3, 5), p=0.5)
    x = torch.randn(4, 2, 3)
    a, b = wrapped(x)[0], wrapped(x)[0]
    assert not torch.equal(a, b)
    wrapped.eval()
    assert torch.equal(wrapped(x)[0], wrapped.module(x)[0])


def test_weight_drop_bad_name():
    with pytest.raises(ValueError, match="has no parameter named 'weight_hh_l5'"):
        WeightDrop(nn.LSTM(3, 5), weight_names=("weight_hh_l5",))
