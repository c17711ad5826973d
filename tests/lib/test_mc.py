import math

import pytest
import torch
from torch import nn

from dropout_lib.concrete import ConcreteDropout
from dropout_lib.dropconnect import DropConnectLinear
from dropout_lib.mc import dropout_layers, is_dropout_layer, mc_classify, mc_dropout, mc_predict, mc_samples
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
    mean, var = mc_predict(net, x, n_samples=30)
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


def test_batched_pass_has_the_loop_distribution():
    net, x, n = make_net(0.3), torch.randn(3, 4, dtype=torch.float64), 500
    net.double()
    loop = mc_samples(net, x, n)
    batched = mc_samples(net, x, n, batched=True)
    assert batched.shape == loop.shape == (n, 3, 3)

    def var_and_se(s):
        centred = s - s.mean(0)
        var = (centred**2).mean(0)
        return var, (((centred**4).mean(0) - var**2) / n).sqrt()

    (v_loop, se_v_loop), (v_batched, se_v_batched) = var_and_se(loop), var_and_se(batched)
    se_mean = (v_loop / n + v_batched / n).sqrt()
    assert ((loop.mean(0) - batched.mean(0)).abs() <= Z * se_mean).all()
    assert ((v_loop - v_batched).abs() <= Z * (se_v_loop**2 + se_v_batched**2).sqrt()).all()
    # the copies of x within the one batch get independent masks
    assert (v_batched > 0.1 * v_loop).all()
    mean, var = mc_predict(net, x, n, batched=True)
    assert ((mean - loop.mean(0)).abs() <= Z * se_mean).all()
    assert ((var - v_loop).abs() <= Z * (se_v_loop**2 + se_v_batched**2).sqrt()).all()


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
