import pytest
import torch
from torch import nn

from dropout_lib.dropconnect import DropConnectLinear
from dropout_lib.dropout import Dropout
from dropout_lib.mc import dropout_layers, mc_classify, mc_dropout, mc_predict, mc_samples


def make_net(p=0.5):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(p), nn.Linear(32, 3))
    net.train()
    net(torch.randn(64, 4))  # non-trivial running statistics
    return net


def test_mean_and_population_variance_equal_a_hand_written_loop():
    net, x = make_net(), torch.randn(5, 4)
    torch.manual_seed(1)
    mean, var = mc_predict(net, x, n_samples=30)
    torch.manual_seed(1)
    net.eval()
    net[3].train()
    with torch.no_grad():
        samples = torch.stack([net(x) for _ in range(30)])
    assert torch.allclose(mean, samples.mean(0)) and torch.allclose(var, samples.var(0, correction=0))
    assert not torch.allclose(var, samples.var(0, correction=1))


def test_batch_norm_stays_in_eval_and_modes_are_restored():
    net = make_net()
    net[4].eval()  # a mixed state must come back exactly
    modes = [m.training for m in net.modules()]
    stats = net[1].running_mean.clone(), net[1].running_var.clone(), net[1].num_batches_tracked.clone()
    x = torch.randn(5, 4, requires_grad=True)
    mean, var = mc_predict(net, x, n_samples=20)
    assert [m.training for m in net.modules()] == modes
    assert torch.equal(net[1].running_mean, stats[0]) and torch.equal(net[1].running_var, stats[1])
    assert torch.equal(net[1].num_batches_tracked, stats[2])
    assert not mean.requires_grad and not var.requires_grad
    # a single input row would break batch norm in training mode; in eval it is fine
    assert mc_predict(net, torch.randn(1, 4), n_samples=3)[0].shape == (1, 3)


def test_modes_restored_after_an_exception():
    net = make_net()
    modes = [m.training for m in net.modules()]
    with pytest.raises(RuntimeError):
        mc_predict(net, torch.randn(5, 7), n_samples=2)  # wrong width
    assert [m.training for m in net.modules()] == modes


def test_only_dropout_layers_switched_on():
    net = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3), nn.Dropout(0.2), Dropout(0.3), nn.AlphaDropout(0.1))
    with mc_dropout(net):
        assert [m.training for m in net] == [False, False, True, True, True]
    assert len(dropout_layers(net)) == 3


def test_model_without_dropout_rejected():
    with pytest.raises(ValueError, match="no dropout layer"):
        mc_predict(nn.Linear(3, 2), torch.randn(2, 3))
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        mc_predict(make_net(), torch.randn(2, 4), n_samples=0)


def test_batched_pass_has_the_loop_distribution():
    net, x = make_net(0.3), torch.randn(3, 4)
    torch.manual_seed(2)
    loop = mc_samples(net, x, 4000)
    batched = mc_samples(net, x, 4000, batched=True)
    assert batched.shape == loop.shape == (4000, 3, 3)
    se = (loop.var(0) / 4000 + batched.var(0) / 4000).sqrt()
    assert ((loop.mean(0) - batched.mean(0)).abs() <= 6 * se).all()
    ratio = batched.var(0) / loop.var(0)
    assert ((ratio > 0.8) & (ratio < 1.25)).all()


def test_batched_pass_refuses_masks_shared_across_the_batch():
    net = nn.Sequential(DropConnectLinear(4, 3, p=0.5))
    with pytest.raises(ValueError, match="DropConnectLinear shares one mask across the batch"):
        mc_predict(net, torch.randn(2, 4), batched=True)
    assert mc_predict(net, torch.randn(2, 4), n_samples=5)[0].shape == (2, 3)


def test_classification_uncertainties():
    net, x = make_net(), torch.randn(6, 4)
    out = mc_classify(net, x, n_samples=100)
    assert torch.allclose(out.probs.sum(1), torch.ones(6))
    assert (out.predictive_entropy >= out.expected_entropy - 1e-6).all()
    assert (out.mutual_information >= 0).all() and (out.mutual_information > 1e-4).any()
    no_noise = mc_classify(make_net(p=0.0), x, n_samples=10)
    assert torch.allclose(no_noise.mutual_information, torch.zeros(6), atol=1e-6)
