import copy
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dropout_lib.batchnorm import dropout_variance, measure_variance_shift, recalibrate_batchnorm
from tests.lib.stats import Z


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny tensors: one thread is faster, and immune to the cost of parallel regions on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def sample_variance_se(y):
    """Standard error of the sample variance of ``y``: sqrt((m4 - var^2) / n), moments estimated from ``y``."""
    centered = y - y.mean()
    return math.sqrt(((centered**4).mean() - (centered**2).mean() ** 2).item() / y.numel())


# --- the variance formula ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("mean, var, p", [(0.0, 1.0, 0.5), (2.0, 0.5, 0.3), (-1.0, 3.0, 0.1), (1.5, 0.2, 0.8)])
def test_formula_matches_a_monte_carlo_estimate(mean, var, p):
    n = 200_000
    torch.manual_seed(0)
    x = mean + math.sqrt(var) * torch.randn(n, dtype=torch.float64)
    y = F.dropout(x, p, training=True)  # PyTorch's own dropout
    train_var, test_var = dropout_variance(mean, var, p)
    se = sample_variance_se(y)
    assert abs(y.var().item() - train_var) <= Z * se
    assert test_var == var
    if mean != 0:  # the bound is tight enough to reject the usual mistakes
        assert abs(y.var().item() - var / (1 - p)) > Z * se  # forgetting the mean
        assert abs(y.var().item() - (mean**2 + var) / (1 - p)) > Z * se  # the second moment, not the variance


def test_formula_on_floats_arrays_and_tensors():
    train, test = dropout_variance(0.0, 1.0, 0.5)
    assert (train, test) == (2.0, 1.0) and isinstance(train, float)
    train, test = dropout_variance(np.array([0.0, 1.0, -2.0]), 1.0, 0.5)  # broadcasts
    assert isinstance(train, np.ndarray) and np.allclose(train, [2.0, 3.0, 6.0]) and test == 1.0
    mean, var = torch.tensor([0.0, 1.0], dtype=torch.float64), torch.tensor([1.0, 1.0], dtype=torch.float64)
    train, test = dropout_variance(mean, var, 0.2)
    assert train.dtype == torch.float64 and torch.allclose(train, torch.tensor([1.25, 1.5], dtype=torch.float64))
    assert test is var
    assert dropout_variance(3.0, 2.0, 0.0) == (2.0, 2.0)  # no dropout, no shift
    assert math.isclose(dropout_variance(0.0, 4.0, 0.25)[0] * 0.75, 4.0)  # ratio 1-p at zero mean


def test_formula_rejects_bad_rates():
    with pytest.raises(ValueError, match="the training variance is undefined at p = 1"):
        dropout_variance(0.0, 1.0, 1.0)
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(ValueError, match=f"dropout probability has to be between 0 and 1, but got {bad}"):
            dropout_variance(0.0, 1.0, bad)


# --- recalibration -----------------------------------------------------------------------------------------------

def make_net():
    """Conv → ReLU → Dropout2d → BatchNorm2d → Flatten → Linear → Dropout → BatchNorm1d → Linear, in float64,
    with running statistics learnt with dropout on."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.Dropout2d(0.3), nn.BatchNorm2d(4, momentum=0.2),
                        nn.Flatten(), nn.Linear(64, 8), nn.Dropout(0.5), nn.BatchNorm1d(8), nn.Linear(8, 3)).double()
    net.train()
    with torch.no_grad():
        for _ in range(10):
            net(torch.randn(32, 2, 6, 6, dtype=torch.float64) + 1)
    return net


def make_batches(n_batches=4, size=20):
    g = torch.Generator().manual_seed(1)
    return [torch.randn(size, 2, 6, 6, generator=g, dtype=torch.float64) + 1 for _ in range(n_batches)]


def batchnorm_inputs_without_dropout(net, batch):
    """What the two batch-norm layers see with dropout off and the first one normalizing with batch statistics,
    computed step by step."""
    first = F.relu(net[0](batch))
    normalized = F.batch_norm(first, None, None, net[3].weight, net[3].bias, training=True, eps=net[3].eps)
    second = net[5](normalized.flatten(1))
    return first, second


def cumulative_statistics(inputs, dims):
    """The average over batches of the per-batch mean and unbiased variance, per channel."""
    means = torch.stack([x.mean(dim=dims) for x in inputs])
    variances = torch.stack([x.var(dim=dims, correction=1) for x in inputs])
    return means.mean(0), variances.mean(0)


def capture_inputs(modules):
    seen = {module: [] for module in modules}
    hooks = [m.register_forward_hook(lambda module, args, output: seen[module].append(args[0].detach()))
             for m in modules]
    return seen, hooks


def test_recalibrated_statistics_are_those_of_the_inputs_with_dropout_off():
    net, batches = make_net(), make_batches()
    params = {name: value.detach().clone() for name, value in net.named_parameters()}
    bn2d, bn1d = net[3], net[7]
    stale_var = bn1d.running_var.clone()
    seen, hooks = capture_inputs([bn2d, bn1d])
    with torch.no_grad():
        expected = [batchnorm_inputs_without_dropout(net, batch) for batch in batches]
    assert recalibrate_batchnorm(net, batches) == 4
    for hook in hooks:
        hook.remove()
    for k, (bn, dims) in enumerate([(bn2d, (0, 2, 3)), (bn1d, (0,))]):
        assert len(seen[bn]) == 4
        for got, want in zip(seen[bn], expected):  # the forward hooks saw the activations without dropout
            assert torch.allclose(got, want[k], rtol=1e-12, atol=1e-12)
        mean, var = cumulative_statistics(seen[bn], dims)
        assert torch.allclose(bn.running_mean, mean, rtol=1e-12, atol=1e-12)
        assert torch.allclose(bn.running_var, var, rtol=1e-12, atol=1e-12)
        assert bn.num_batches_tracked.item() == 4
    for name, value in net.named_parameters():
        assert torch.equal(value, params[name]), name
    # the statistics learnt with dropout on were far off (else this test could not tell)
    assert (stale_var / bn1d.running_var).max() > 1.5


def test_dropout_left_on_would_give_different_statistics():
    net, batches = make_net(), make_batches()
    dropout_on = copy.deepcopy(net)
    torch.optim.swa_utils.update_bn(batches, dropout_on)  # PyTorch's helper runs the model in training mode
    recalibrate_batchnorm(net, batches)
    for bn in (3, 7):  # dropout on inflates the variance (Li et al. 2019)
        assert (dropout_on[bn].running_var / net[bn].running_var).mean() > 1.3


def test_modes_momenta_and_parameters_are_restored():
    net, batches = make_net(), make_batches()
    net[5].eval()  # a mixed state must come back exactly
    net[6].eval()
    net[7].momentum = None
    modes = [m.training for m in net.modules()]
    state = {k: v.clone() for k, v in net.state_dict().items() if "running" not in k and "num_batches" not in k}
    recalibrate_batchnorm(net, iter(batches))  # any iterable, here a one-shot iterator
    assert [m.training for m in net.modules()] == modes
    assert net[3].momentum == 0.2 and net[7].momentum is None
    for key, value in state.items():
        assert torch.equal(net.state_dict()[key], value), key
    net.eval()
    recalibrate_batchnorm(net, batches)
    assert not any(m.training for m in net.modules())


def test_pairs_of_inputs_and_labels_are_accepted():
    net_a, net_b = make_net(), make_net()
    batches = make_batches()
    recalibrate_batchnorm(net_a, batches)
    recalibrate_batchnorm(net_b, [(x, torch.zeros(len(x))) for x in batches])
    assert torch.equal(net_a[7].running_var, net_b[7].running_var)


def test_layers_without_running_statistics_are_left_alone():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.BatchNorm1d(4, track_running_stats=False),
                        nn.BatchNorm1d(4))
    assert recalibrate_batchnorm(net, [torch.randn(10, 3)]) == 1
    assert net[2].running_mean is None and net[3].num_batches_tracked.item() == 1
    with pytest.raises(ValueError, match="Sequential has no batch-norm layer with running statistics to recalibrate"):
        recalibrate_batchnorm(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2, track_running_stats=False)),
                              [torch.ones(3, 2)])
    with pytest.raises(ValueError, match="Linear has no batch-norm layer with running statistics to recalibrate"):
        recalibrate_batchnorm(nn.Linear(2, 2), [torch.ones(1, 2)])


@pytest.mark.parametrize("empty", [[], (), iter([])])
def test_empty_batches_are_rejected_and_everything_left_as_it_was(empty):
    net = make_net()
    state = {k: v.clone() for k, v in net.state_dict().items()}
    modes = [m.training for m in net.modules()]
    with pytest.raises(ValueError, match="batches is empty: there is nothing to estimate the statistics from"):
        recalibrate_batchnorm(net, empty)
    assert all(torch.equal(net.state_dict()[k], v) for k, v in state.items())
    assert [m.training for m in net.modules()] == modes and net[3].momentum == 0.2 and net[7].momentum == 0.1


def test_an_error_midway_restores_the_old_statistics():
    net = make_net()
    state = {k: v.clone() for k, v in net.state_dict().items()}
    batches = make_batches(2) + [torch.ones(5, 3, 6, 6, dtype=torch.float64)]  # wrong number of channels
    with pytest.raises(RuntimeError):
        recalibrate_batchnorm(net, batches)
    assert all(torch.equal(net.state_dict()[k], v) for k, v in state.items())
    assert net.training and net[3].momentum == 0.2


# --- the variance shift, measured ----------------------------------------------------------------------------------

def test_measured_variance_shift_matches_the_formula():
    torch.manual_seed(0)
    p = 0.4
    net = nn.Sequential(nn.Linear(3, 4), nn.Dropout(p), nn.BatchNorm1d(4)).double()
    x = torch.randn(100_000, 3, dtype=torch.float64)
    running_mean = net[2].running_mean.clone()
    torch.manual_seed(1)
    train_var, test_var = measure_variance_shift(net, x, net[2])
    with torch.no_grad():
        before_dropout = net[0](x)
        torch.manual_seed(1)  # the same draws as the measurement's pass with dropout on
        after_dropout = F.dropout(before_dropout, p, training=True)
    assert torch.allclose(test_var, before_dropout.var(0, correction=0), rtol=1e-12)
    assert torch.allclose(train_var, after_dropout.var(0, correction=0), rtol=1e-12)
    predicted, _ = dropout_variance(before_dropout.mean(0), test_var, p)
    for channel in range(4):
        assert abs(train_var[channel] - predicted[channel]) <= Z * sample_variance_se(after_dropout[:, channel])
    assert net.training and net[1].training and torch.equal(net[2].running_mean, running_mean)


def test_measure_variance_shift_needs_the_layer_in_the_model():
    net = nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.BatchNorm1d(4))
    with pytest.raises(ValueError, match="BatchNorm1d must be called exactly once per forward pass of the model, "
                                         "but was called 0 times in two passes"):
        measure_variance_shift(net, torch.randn(5, 3), nn.BatchNorm1d(4))
