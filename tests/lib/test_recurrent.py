import pytest
import torch
from torch import nn

from dropout_lib.dropout import keep_mask
from dropout_lib.recurrent import LockedDropout, WeightDrop, locked_dropout
from tests.lib.stats import assert_fraction


# ---- locked dropout ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("batch_first", [False, True])
def test_same_mask_at_every_time_step(batch_first):
    shape = (40, 30, 16) if batch_first else (30, 40, 16)
    x = torch.ones(shape, dtype=torch.float64)
    y = LockedDropout(0.4, batch_first=batch_first)(x)
    time_dim = 1 if batch_first else 0
    first = y.select(time_dim, 0).unsqueeze(time_dim)
    assert torch.equal(y, first.expand_as(y))
    assert_fraction((first == 0).double().mean().item(), 0.4, 40 * 16, "drop fraction")
    assert set(first.unique().tolist()) == {0.0, 1 / 0.6}


def test_masks_independent_across_sequences_and_features():
    y = locked_dropout(torch.ones(2, 20_000, 2, dtype=torch.float64), 0.5)[0]
    dropped = y == 0
    assert_fraction((dropped[:, 0] & dropped[:, 1]).double().mean().item(), 0.25, 20_000, "both features dropped")
    assert_fraction((dropped[:10_000, 0] & dropped[10_000:, 0]).double().mean().item(), 0.25, 10_000,
                    "two sequences dropped")


@pytest.mark.parametrize("batch_first", [False, True])
def test_given_mask_bit_exact_and_gradcheck(batch_first):
    x = torch.randn(5, 3, 4, dtype=torch.float64, requires_grad=True)
    mask = torch.rand((5, 1, 4) if batch_first else (1, 3, 4)) > 0.5
    y = locked_dropout(x, 0.5, batch_first=batch_first, mask=mask)
    assert torch.equal(y, x * (mask.double() / 0.5))
    assert torch.autograd.gradcheck(lambda t: locked_dropout(t, 0.5, batch_first=batch_first, mask=mask), (x,))


def test_generator_gives_the_mask_drawn_from_it():
    x = torch.randn(6, 3, 4)
    y = locked_dropout(x, 0.3, generator=torch.Generator().manual_seed(9))
    mask = keep_mask((1, 3, 4), 0.3, like=x, generator=torch.Generator().manual_seed(9))
    assert torch.equal(y, x * (mask / 0.7))


def test_edge_cases():
    x = torch.randn(4, 2, 3)
    before = x.clone()
    assert locked_dropout(x, 0.0) is x
    assert LockedDropout(0.5).eval()(x) is x
    assert torch.equal(x, before)  # input never modified
    leaf = x.double().requires_grad_()
    y = locked_dropout(leaf, 1.0)
    assert torch.equal(y, torch.zeros_like(leaf)) and y.dtype == torch.float64
    y.sum().backward()
    assert torch.equal(leaf.grad, torch.zeros_like(leaf))
    assert locked_dropout(torch.ones(0, 2, 3), 0.5).shape == (0, 2, 3)
    assert repr(LockedDropout(0.2, batch_first=True)) == "LockedDropout(p=0.2, batch_first=True)"


def test_bad_input_rejected():
    with pytest.raises(ValueError, match=r"locked_dropout \(T, N, H\) expects a 3-D input, but got a 2-D input"):
        locked_dropout(torch.ones(4, 3), 0.5)
    with pytest.raises(ValueError, match=r"locked_dropout \(N, T, H\) expects a 3-D input, but got a 4-D input"):
        LockedDropout(0.5, batch_first=True)(torch.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got -0.1"):
        LockedDropout(-0.1)
    with pytest.raises(ValueError, match=r"mask broadcastable to \(1, 3, 4\).*got shape \(5, 3, 4\)"):
        locked_dropout(torch.ones(5, 3, 4), 0.5, mask=torch.ones(5, 3, 4))


# ---- weight drop -------------------------------------------------------------------------------------------------

def plain_copy(rnn, name, weight):
    """A copy of ``rnn`` whose parameter ``name`` is replaced by ``weight``."""
    ref = type(rnn)(rnn.input_size, rnn.hidden_size, num_layers=rnn.num_layers, batch_first=rnn.batch_first)
    ref = ref.to(rnn.weight_hh_l0.dtype)
    ref.load_state_dict(rnn.state_dict())
    with torch.no_grad():
        getattr(ref, name).copy_(weight)
    return ref


@pytest.mark.filterwarnings("error")  # e.g. "RNN module weights are not part of single contiguous chunk"
@pytest.mark.parametrize("rnn_class", [nn.LSTM, nn.GRU, nn.RNN])
def test_weight_drop_equals_plain_module_with_the_masked_weight(rnn_class):
    rnn = rnn_class(4, 6).double()
    raw = rnn.weight_hh_l0.detach().clone()
    wrapped = WeightDrop(rnn, p=0.3)
    mask = torch.rand(raw.shape) > 0.3
    x = torch.randn(7, 2, 4, dtype=torch.float64)
    out = wrapped(x, masks={"weight_hh_l0": mask})[0]
    ref = plain_copy(rnn, "weight_hh_l0", raw * (mask.double() / 0.7))
    ref_out = ref(x)[0]
    torch.testing.assert_close(out, ref_out, rtol=0, atol=1e-14)
    assert torch.equal(rnn.weight_hh_l0, raw)  # the stored parameter is never changed
    out.sum().backward()
    ref_out.sum().backward()
    # the raw weight gets the chain rule through the mask: dL/dW = dL/dW' * M / (1-p)
    torch.testing.assert_close(rnn.weight_hh_l0.grad, ref.weight_hh_l0.grad * (mask.double() / 0.7),
                               rtol=0, atol=1e-12)
    assert rnn.weight_hh_l0.grad.abs().sum() > 0 and (rnn.weight_hh_l0.grad[~mask] == 0).all()
    torch.testing.assert_close(rnn.weight_ih_l0.grad, ref.weight_ih_l0.grad, rtol=0, atol=1e-12)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("rnn_class", [nn.LSTM, nn.GRU])
def test_weight_drop_draws_one_mask_per_forward_shared_across_time(rnn_class):
    rnn = rnn_class(3, 5, batch_first=True).double()
    wrapped = WeightDrop(rnn, p=0.5)
    x = torch.randn(2, 9, 3, dtype=torch.float64)
    out = wrapped(x, generator=torch.Generator().manual_seed(4))[0]
    # exactly one mask drawn from the generator, and the plain module with that weight runs all 9 steps with it
    mask = keep_mask(rnn.weight_hh_l0.shape, 0.5, like=x, generator=torch.Generator().manual_seed(4))
    ref = plain_copy(rnn, "weight_hh_l0", rnn.weight_hh_l0.detach() * (mask / 0.5))
    torch.testing.assert_close(out, ref(x)[0], rtol=0, atol=1e-14)
    assert not torch.equal(wrapped(x)[0], wrapped(x)[0])  # a fresh mask at each call


@pytest.mark.filterwarnings("error")
def test_weight_drop_eval_uses_raw_weights_and_p0_is_the_module():
    rnn = nn.LSTM(3, 5)
    wrapped = WeightDrop(rnn, p=0.5)
    x, state = torch.randn(4, 2, 3), (torch.randn(1, 2, 5), torch.randn(1, 2, 5))
    train_out = wrapped(x, state)[0]
    assert not torch.equal(train_out, rnn(x, state)[0])
    wrapped.eval()
    assert torch.equal(wrapped(x, state)[0], rnn(x, state)[0])
    assert torch.equal(WeightDrop(rnn, p=0.0)(x, state)[0], rnn(x, state)[0])


@pytest.mark.filterwarnings("error")
def test_weight_drop_several_weights_and_p1():
    rnn = nn.GRU(3, 4).double()
    names = ("weight_hh_l0", "weight_ih_l0")
    wrapped = WeightDrop(rnn, weight_names=names, p=1.0)
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    ref = plain_copy(rnn, "weight_hh_l0", torch.zeros(12, 4))
    with torch.no_grad():
        ref.weight_ih_l0.zero_()
    torch.testing.assert_close(wrapped(x)[0], ref(x)[0], rtol=0, atol=1e-14)
    assert repr(wrapped).startswith("WeightDrop(\n  weight_names=('weight_hh_l0', 'weight_ih_l0'), p=1.0")


def test_weight_drop_bad_arguments():
    with pytest.raises(ValueError, match="LSTM has no parameter named 'weight_hh_l5'; it has weight_ih_l0"):
        WeightDrop(nn.LSTM(3, 5), weight_names=("weight_hh_l5",))
    with pytest.raises(ValueError, match="between 0 and 1, but got 1.5"):
        WeightDrop(nn.LSTM(3, 5), p=1.5)
    with pytest.raises(ValueError, match=r"masks must have exactly the keys \['weight_hh_l0'\], but got \['w'\]"):
        WeightDrop(nn.LSTM(3, 5))(torch.randn(2, 1, 3), masks={"w": torch.ones(20, 5)})
