import math

import numpy as np
import pytest
import torch
from torch import nn

from dropout_lib.batchnorm import dropout_variance, recalibrate_batchnorm
from dropout_lib.dropout import dropout


@pytest.mark.parametrize("mean, var, p", [(0.0, 1.0, 0.5), (2.0, 0.5, 0.3), (-1.0, 3.0, 0.1)])
def test_formula_matches_a_monte_carlo_estimate(mean, var, p):
    n = 400_000
    g = torch.Generator().manual_seed(0)
    x = mean + math.sqrt(var) * torch.randn(n, dtype=torch.float64, generator=g)
    y = dropout(x, p, generator=g)
    train_var, test_var = dropout_variance(mean, var, p)
    # standard error of a sample variance: sqrt((m4 - var^2)/n), estimated from the sample
    centered = y - y.mean()
    se = math.sqrt(((centered**4).mean().item() - y.var().item() ** 2) / n)
    assert abs(y.var().item() - train_var) < 6 * se
    assert test_var == var


def test_formula_on_arrays_and_tensors_and_the_ratio_at_zero_mean():
    train, test = dropout_variance(np.zeros(3), np.ones(3), 0.5)
    assert np.allclose(train, 2.0) and np.allclose(test, 1.0)
    train, _ = dropout_variance(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 1.0]), 0.2)
    assert torch.allclose(train, torch.tensor([1.25, 1.5]))
    with pytest.raises(ValueError, match="undefined at p = 1"):
        dropout_variance(0.0, 1.0, 1.0)


def make_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Dropout(0.5), nn.BatchNorm1d(16, momentum=0.3),
                         nn.Linear(16, 8), nn.Dropout(0.2), nn.BatchNorm1d(8))


def test_recalibration_gives_the_statistics_seen_at_inference():
    net = make_net()
    net.train()
    for _ in range(20):
        net(torch.randn(32, 5) + 1)
    batches = [torch.randn(50, 5) + 1 for _ in range(4)]
    params = {k: v.clone() for k, v in net.named_parameters()}
    net[4].eval()  # a mixed state must come back exactly
    modes = [m.training for m in net.modules()]
    inputs = {3: [], 6: []}
    hooks = [net[i].register_forward_hook(lambda m, a, out, i=i: inputs[i].append(a[0].detach())) for i in inputs]
    assert recalibrate_batchnorm(net, batches) == 4
    for h in hooks:
        h.remove()
    for i, seen in inputs.items():
        seen = torch.cat(seen)
        # cumulative average of per-batch means and of unbiased per-batch variances, dropout off
        assert torch.allclose(net[i].running_mean, seen.mean(0), atol=1e-5)
        per_batch_var = torch.stack([s.var(0) for s in seen.split(50)]).mean(0)
        assert torch.allclose(net[i].running_var, per_batch_var, atol=1e-5)
    assert all(torch.equal(v, params[k]) for k, v in net.named_parameters())
    assert [m.training for m in net.modules()] == modes
    assert net[3].momentum == 0.3 and net[6].momentum == 0.1


def test_inputs_seen_during_recalibration_have_no_dropout():
    net = make_net()
    seen = []
    net[3].register_forward_hook(lambda m, a, out: seen.append(a[0].detach()))
    batch = torch.randn(40, 5)
    recalibrate_batchnorm(net, [batch])
    assert torch.allclose(seen[0], net[1](net[0](batch)))  # what reaches BN is the undropped activation


def test_empty_batches_rejected_and_state_left_alone():
    net = make_net()
    net.train()
    net(torch.randn(32, 5))
    before = net[3].running_mean.clone()
    with pytest.raises(ValueError, match="batches is empty"):
        recalibrate_batchnorm(net, [])
    assert torch.equal(net[3].running_mean, before) and net[3].momentum == 0.3
    with pytest.raises(ValueError, match="no batch-norm layer"):
        recalibrate_batchnorm(nn.Linear(2, 2), [torch.ones(1, 2)])
