import math

import pytest
import torch
from torch import nn

from dropout_lib.concrete import ConcreteDropout
from dropout_lib.dropconnect import DropConnectLinear
from dropout_lib import mc
from dropout_lib.mc import (dropout_layers, infer_batch_dim, is_dropout_layer, mc_classify, mc_dropout, mc_predict,
                            mc_samples)
from dropout_lib.mc import entropy
from dropout_lib.recurrent import LockedDropout, WeightDrop
from dropout_lib.scheduled import ScheduledDropout
from dropout_lib.targeted import TargetedDropoutLinear

Z = 6.0  # standard errors allowed


def make_net(p=0.5):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(p), nn.Linear(32, 3))
    net.train()
    net(torch.randn(64, 4) * 3 + 1)  # running statistics far from the defaults, so that using them is visible
    return net


def modes(net):
    return [m.training for m in net.modules()]


def test_mean_and_population_variance_equal_a_hand_written_loop():
    net, x = make_net(), torch.randn(5, 4)
    torch.manual_seed(1)
    mean, var = mc_predict(net, x, n_samples=30, batched=False)
    torch.manual_seed(1)
    net.eval()
    net[3].train()
    with torch.no_grad():
        samples = torch.stack([net(x) for _ in range(30)])
    assert torch.equal(mean, samples.mean(0))
    assert torch.equal(var, samples.var(0, correction=0))  # divided by T, not T - 1
    torch.testing.assert_close(var, ((samples - samples.mean(0)) ** 2).mean(0))
    assert not torch.allclose(var, samples.var(0, correction=1))
    assert mean.shape == var.shape == (5, 3)


def test_batch_norm_stays_in_eval_and_modes_are_restored():
    net = make_net()
    net[4].eval()  # a mixed state must come back exactly
    before = modes(net)
    bn = net[1]
    stats = bn.running_mean.clone(), bn.running_var.clone(), bn.num_batches_tracked.clone()
    x = torch.randn(5, 4, requires_grad=True)
    mean, var = mc_predict(net, x, n_samples=20)
    assert modes(net) == before
    assert torch.equal(bn.running_mean, stats[0]) and torch.equal(bn.running_var, stats[1])
    assert torch.equal(bn.num_batches_tracked, stats[2])
    assert not mean.requires_grad and not var.requires_grad and mean.grad_fn is None
    # a single input row would break batch norm in training mode; in eval it is fine
    assert mc_predict(net, torch.randn(1, 4), n_samples=3)[0].shape == (1, 3)


def test_output_uses_the_running_statistics():
    net, x = make_net(p=0.0), torch.randn(5, 4)
    mean, var = mc_predict(net, x, n_samples=4)
    with torch.no_grad():
        eval_out = net.eval()(x)
    assert torch.equal(mean, eval_out) and torch.equal(var, torch.zeros_like(var))


class Explodes(nn.Module):
    def forward(self, x):
        raise RuntimeError("boom")


def test_modes_restored_after_an_exception():
    net = make_net()
    net[1].eval()
    before = modes(net)
    with pytest.raises(RuntimeError, match="boom"):
        mc_predict(nn.Sequential(net, Explodes()), torch.randn(5, 4), n_samples=2)
    assert modes(net) == before
    with pytest.raises(RuntimeError):
        mc_predict(net, torch.randn(5, 7), n_samples=2)  # wrong width
    assert modes(net) == before


class NotDropout(nn.Module):
    is_dropout = False

    def forward(self, x):
        return x


def test_only_dropout_layers_switched_on():
    lstm = nn.LSTM(3, 3)
    net = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3), nn.Dropout(0.2), nn.Dropout2d(0.1),
                        nn.AlphaDropout(0.1), nn.FeatureAlphaDropout(0.1), LockedDropout(0.3), ConcreteDropout(),
                        DropConnectLinear(3, 3), TargetedDropoutLinear(3, 3), ScheduledDropout(lambda s: 0.1),
                        WeightDrop(lstm), NotDropout())
    expected = [False, False] + [True] * 10 + [False]
    assert [is_dropout_layer(m) for m in net] == expected
    assert len(dropout_layers(net)) == 10
    net.train()
    with mc_dropout(net):
        assert [m.training for m in net] == expected
        assert not lstm.training  # a dropout layer's children stay in evaluation mode
    assert all(modes(net))


def test_model_without_dropout_or_bad_sample_count_rejected():
    with pytest.raises(ValueError, match="Linear has no dropout layer, so MC dropout would return zero variance"):
        mc_predict(nn.Linear(3, 2), torch.randn(2, 3))
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match=f"n_samples must be a positive integer, but got {bad!r}"):
            mc_predict(make_net(), torch.randn(2, 4), n_samples=bad)


def assert_same_law(loop, other):
    """Per-output mean and variance of two sets of passes agree within Z standard errors."""
    n = loop.shape[0]
    assert other.shape == loop.shape

    def var_and_se(s):
        centred = s - s.mean(0)
        var = (centred**2).mean(0)
        return var, (((centred**4).mean(0) - var**2) / n).sqrt()

    (v_loop, se_v_loop), (v_other, se_v_other) = var_and_se(loop), var_and_se(other)
    se_mean = (v_loop / n + v_other / n).sqrt()
    assert ((loop.mean(0) - other.mean(0)).abs() <= Z * se_mean).all()
    assert ((v_loop - v_other).abs() <= Z * (se_v_loop**2 + se_v_other**2).sqrt()).all()
    # the copies within one batched pass get independent masks: a shared mask would shrink the variance
    assert (v_other > 0.1 * v_loop).all()


def test_batched_pass_has_the_loop_distribution():
    net, x, n = make_net(0.3), torch.randn(3, 4, dtype=torch.float64), 500
    net.double()
    loop = mc_samples(net, x, n, batched=False)
    assert loop.shape == (n, 3, 3)
    for batched in (None, True):
        assert_same_law(loop, mc_samples(net, x, n, batched=batched))
    mean, var = mc_predict(net, x, n)
    v_loop = loop.var(0, correction=0)
    se = (2 * v_loop / n).sqrt()
    assert ((mean - loop.mean(0)).abs() <= Z * se).all()
    assert ((var - v_loop).abs() <= Z * v_loop * (2 / n) ** 0.5 * 2).all()


class Counts(nn.Module):
    """The identity, counting calls and the largest input."""

    def __init__(self):
        super().__init__()
        self.calls, self.largest = 0, 0

    def forward(self, x):
        self.calls += 1
        self.largest = max(self.largest, x.numel())
        return x


def test_deterministic_prefix_runs_once_and_the_rest_in_bounded_chunks():
    before, after = Counts(), Counts()
    net = nn.Sequential(nn.Linear(4, 64), before, nn.Sequential(nn.ReLU(), nn.Dropout(0.5)), after, nn.Linear(64, 2))
    x = torch.randn(100, 4)
    samples = mc_samples(net, x, n_samples=200)
    assert samples.shape == (200, 100, 2) and before.calls == 1
    assert after.calls < 20 and after.largest <= mc.CHUNK_ELEMENTS
    assert not torch.equal(samples[0], samples[1])


def test_samplewise_layers_skip_the_unbatched_pass_that_checks_shapes(monkeypatch):
    batches, linear_forward = [], nn.Linear.forward
    monkeypatch.setattr(nn.Linear, "forward", lambda self, h: batches.append(len(h)) or linear_forward(self, h))
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 2))
    x = torch.randn(3, 4)
    assert mc_samples(net, x, 50).shape == (50, 3, 2) and batches == [3, 150]
    batches.clear()
    net[3].register_forward_hook(lambda module, args, out: None)  # a hook could change the shape: checked
    assert mc_samples(net, x, 50).shape == (50, 3, 2) and batches == [3, 3, 147]


class SeqFirst(nn.Module):
    """A sequence-first recurrent model, (L, N, 2) -> (N, 1): the batch is dimension 1 in, dimension 0 out."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.rnn, self.drop, self.head = nn.GRU(2, 8), LockedDropout(0.3), nn.Linear(8, 1)

    def forward(self, x):
        return self.head(self.drop(self.rnn(x)[0]))[-1]


def first_layer_dropout():
    torch.manual_seed(0)
    return nn.Sequential(nn.Dropout(0.2), nn.Linear(4, 16), nn.Tanh(), nn.Dropout(0.4), nn.Linear(16, 2))


def sequence_first_sequential():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 8), LockedDropout(0.3), nn.Tanh(), nn.Linear(8, 1))  # (L, N, 2) -> (L, N, 1)


@pytest.mark.parametrize("make, shape", [(first_layer_dropout, (3, 4)), (SeqFirst, (5, 3, 2)),
                                         (sequence_first_sequential, (5, 3, 2))])
def test_same_law_as_the_loop_for_first_layer_dropout_and_sequence_first_models(make, shape):
    net, n = make().double(), 400
    x = torch.randn(shape, dtype=torch.float64)
    loop = mc_samples(net, x, n, batched=False)
    batched = mc_samples(net, x, n)
    assert_same_law(loop, batched)
    if isinstance(net, SeqFirst):
        assert infer_batch_dim(net) == 1
    if make is sequence_first_sequential:  # one mask per sequence: every time step of a sample has the same one
        assert infer_batch_dim(nn.Sequential(nn.LSTM(2, 3))) == 1
        locked = mc_samples(nn.Sequential(LockedDropout(0.5)), torch.ones(5, 3, 2), 50)
        assert (locked == locked[:, :1]).all() and (locked == 0).any()


class BatchMean(nn.Module):
    """Reduces over the batch: copies stacked along it would not come out as separate passes."""

    def forward(self, x):
        return x.mean(0)


def test_model_that_mixes_the_batch_falls_back_to_one_pass_per_sample():
    net = nn.Sequential(nn.Dropout(0.5), BatchMean())
    x = torch.ones(2, 3, dtype=torch.float64)
    samples = mc_samples(net, x, 300)
    assert samples.shape == (300, 3)
    assert_same_law(mc_samples(net, x, 300, batched=False), samples)
    with pytest.raises(ValueError, match="does not map 2 copies of its input stacked along dimension 0"):
        mc_samples(net, torch.ones(3000, 3), 3, batched=True)


class PairInput(nn.Module):
    """Takes a pair of tensors: there is no single tensor to stack copies of."""

    def __init__(self):
        super().__init__()
        self.drop = nn.Dropout(0.5)

    def forward(self, pair):
        return self.drop(pair[0] + pair[1])


def test_non_tensor_input_gets_one_pass_per_sample():
    pair = (torch.ones(2, 3, dtype=torch.float64), torch.ones(2, 3, dtype=torch.float64))
    samples = mc_samples(PairInput(), pair, 300)
    assert samples.shape == (300, 2, 3)
    assert_same_law(mc_samples(PairInput(), pair, 300, batched=False), samples)
    with pytest.raises(ValueError, match="stacks copies of a tensor, but PairInput takes tuple"):
        mc_samples(PairInput(), pair, 3, batched=True)


def test_mixed_layouts_need_an_explicit_batch_dim():
    net = nn.Sequential(nn.GRU(2, 2), nn.LSTM(2, 2, batch_first=True))
    with pytest.raises(ValueError, match="mixes batch-first and sequence-first layers; pass batch_dim"):
        infer_batch_dim(net)


def test_shared_mask_layer_still_computes_the_prefix_once():
    before = Counts()
    net = nn.Sequential(nn.Linear(4, 4), before, nn.Dropout(0.1), DropConnectLinear(4, 3)).double()
    x = torch.randn(2, 4, dtype=torch.float64)
    samples = mc_samples(net, x, 300)
    assert before.calls == 1
    assert_same_law(mc_samples(net, x, 300, batched=False), samples)


@pytest.mark.parametrize("layer", [DropConnectLinear(4, 3), TargetedDropoutLinear(4, 3)])
def test_batched_pass_refuses_masks_shared_across_the_batch(layer):
    net = nn.Sequential(nn.Dropout(0.1), layer)
    name = type(layer).__name__
    with pytest.raises(ValueError, match=f"{name} shares one mask across the batch; use batched=False"):
        mc_predict(net, torch.randn(2, 4), batched=True)
    assert mc_predict(net, torch.randn(2, 4), n_samples=5)[0].shape == (2, 3)


class LastStep(nn.Module):
    """A sequence model with weight drop returning the last hidden state."""

    def __init__(self):
        super().__init__()
        self.rnn = WeightDrop(nn.GRU(2, 3, batch_first=True), p=0.5)

    def forward(self, x):
        return self.rnn(x)[0][:, -1]


def test_batched_pass_refuses_weight_drop():
    with pytest.raises(ValueError, match="WeightDrop shares one mask across the batch"):
        mc_predict(LastStep(), torch.randn(2, 5, 2), batched=True)
    mean, var = mc_predict(LastStep(), torch.randn(2, 5, 2), n_samples=20)
    assert mean.shape == (2, 3) and (var > 0).any()


def test_classification_uncertainties():
    net, x = make_net(), torch.randn(6, 4)
    torch.manual_seed(3)
    out = mc_classify(net, x, n_samples=50)
    assert out.probs.shape == (6, 3)
    assert out.predictive_entropy.shape == out.expected_entropy.shape == out.mutual_information.shape == (6,)
    assert torch.allclose(out.probs.sum(1), torch.ones(6))
    assert (out.predictive_entropy >= out.expected_entropy - 1e-6).all()
    assert (out.mutual_information >= 0).all() and (out.mutual_information > 1e-3).all()
    # the same numbers by hand, from the same samples
    torch.manual_seed(3)
    probs = torch.softmax(mc_samples(net, x, 50), dim=-1)
    predictive = -(probs.mean(0) * probs.mean(0).log()).sum(1)
    expected = -(probs * probs.log()).sum(2).mean(0)
    torch.testing.assert_close(out.probs, probs.mean(0))
    torch.testing.assert_close(out.predictive_entropy, predictive)
    torch.testing.assert_close(out.expected_entropy, expected)
    torch.testing.assert_close(out.mutual_information, predictive - expected)
    no_noise = mc_classify(make_net(p=0.0), x, n_samples=10)
    torch.testing.assert_close(no_noise.mutual_information, torch.zeros(6), rtol=0, atol=1e-6)  # rounding only
    torch.testing.assert_close(no_noise.predictive_entropy, no_noise.expected_entropy)


def test_entropy_in_nats_with_zero_log_zero():
    probs = torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0.0, 0.0]], dtype=torch.float64)
    expected = torch.tensor([0.0, math.log(4), math.log(2)], dtype=torch.float64)
    torch.testing.assert_close(entropy(probs), expected)
    torch.testing.assert_close(entropy(probs.T, dim=0), expected)
    torch.testing.assert_close(entropy(torch.tensor([1.0, 1e-45, 0.0])), torch.tensor(0.0))


def test_entropy_rejects_what_is_not_a_float_tensor():
    with pytest.raises(TypeError, match="probs must be a floating-point tensor, but got Tensor of dtype torch.int64"):
        entropy(torch.tensor([1, 0]))
    with pytest.raises(TypeError, match="probs must be a floating-point tensor, but got list"):
        entropy([0.5, 0.5])
