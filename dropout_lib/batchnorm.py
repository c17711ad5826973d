"""Dropout and batch normalization: the variance shift, and re-estimating batch-norm statistics without dropout.

A batch-norm layer after dropout learns running statistics of the noisy training-time activations; at inference
dropout is off, the variance is smaller, and the layer normalizes with the wrong statistics.

Reference: Li, Chen, Hu & Yang (2019), "Understanding the Disharmony between Dropout and Batch Normalization by
Variance Shift", CVPR.
"""

from collections.abc import Iterable, Sequence

import numpy as np
import torch
from torch import nn

from dropout_lib._checks import check_rate
from dropout_lib._modes import restored_modes
from dropout_lib.mc import mc_dropout

Moment = float | np.ndarray | torch.Tensor  # a mean or a variance, elementwise


def dropout_variance(mean: Moment, var: Moment, p: float) -> tuple[Moment, Moment]:
    r"""The variance of an inverted-dropout unit in training and at inference.

    For :math:`y = x m/(1-p)` with :math:`m \sim \mathrm{Bernoulli}(1-p)` independent of :math:`x`,
    :math:`\mathbb{E}[x] = c` and :math:`\mathrm{Var}[x] = v`:

    .. math::
        \mathbb{E}[y^2] = \frac{\mathbb{E}[x^2]\,\mathbb{E}[m^2]}{(1-p)^2} = \frac{c^2 + v}{1-p}, \qquad
        \mathrm{Var}_{\text{train}}[y] = \frac{c^2 + v}{1-p} - c^2, \qquad \mathrm{Var}_{\text{test}}[y] = v

    At :math:`c = 0` the ratio test/train is :math:`1-p`. (Li et al. 2019, section 3, with the drop rate p in place
    of their keep rate.)

    Args:
        mean: :math:`c`, a float, a NumPy array or a tensor (elementwise).
        var: :math:`v`, same kinds; broadcasts against ``mean``.
        p: probability of dropping, :math:`0 \le p < 1`.

    Returns:
        ``(train_var, test_var)``, of the type of the inputs.

    Raises:
        ValueError: if ``p`` is not in [0, 1) (at ``p = 1`` every unit is dropped and the rescaling is undefined)
            or ``var`` has a negative entry.

    Example::

        >>> dropout_variance(0.0, 1.0, 0.5)
        (2.0, 1.0)
        >>> dropout_variance(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 1.0]), 0.5)[0]
        tensor([2., 3.])
    """
    p = check_rate(p)
    if p == 1.0:
        raise ValueError("the training variance is undefined at p = 1: every unit is dropped and nothing is rescaled")
    lowest = np.min(var.detach().double().cpu().numpy() if isinstance(var, torch.Tensor) else var, initial=0.0)
    if lowest < 0:
        raise ValueError(f"var must be non-negative (it is a variance), but got {lowest}")
    train_var = (mean * mean + var) / (1.0 - p) - mean * mean
    return train_var, var


def _tracking_batchnorms(model):
    return [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats]


def _input_of(batch):
    return batch[0] if isinstance(batch, (tuple, list)) else batch


@torch.no_grad()
def recalibrate_batchnorm(model: nn.Module, batches: Iterable[torch.Tensor | Sequence[torch.Tensor]]) -> int:
    r"""Re-estimate the running statistics of every batch-norm layer of ``model`` with dropout switched off.

    Each batch-norm layer (``nn.BatchNorm1d/2d/3d``, ``SyncBatchNorm``, with ``track_running_stats``) has its
    running mean and variance reset and recomputed as the cumulative, equally weighted average over ``batches``
    (``momentum=None``), with every other module in evaluation mode, so that dropout is off and the statistics are
    those of the activations the layer sees at inference:

    .. math::
        \hat\mu = \frac{1}{B}\sum_{b=1}^{B} \mu_b, \qquad \hat\sigma^2 = \frac{1}{B}\sum_{b=1}^{B} s_b^2

    (:math:`\mu_b` and :math:`s_b^2` the per-channel mean and unbiased variance of batch b). ``num_batches_tracked``
    ends as B. Runs under ``torch.no_grad()``; parameters are not changed; every module's train/eval mode and every
    batch-norm layer's momentum are restored afterwards, also on error (then the old statistics are put back too).

    Args:
        model: a ``torch.nn.Module`` with at least one batch-norm layer that tracks running statistics.
        batches: an iterable (list, DataLoader, generator) of input tensors, or of tuples/lists whose first element
            is the input (``(x, y)`` pairs).

    Returns:
        the number of batches used.

    Raises:
        ValueError: if ``batches`` is empty or the model has no batch-norm layer with running statistics.

    Example::

        >>> net = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.BatchNorm1d(8))
        >>> recalibrate_batchnorm(net, [torch.randn(16, 4) for _ in range(3)])
        3
        >>> int(net[2].num_batches_tracked), net[2].momentum, net.training
        (3, 0.1, True)

    Reference: Li et al. (2019), CVPR (recalibration as a remedy of the variance shift).
    """
    norms = _tracking_batchnorms(model)
    if not norms:
        raise ValueError(f"{type(model).__name__} has no batch-norm layer with running statistics to recalibrate")
    momenta = [bn.momentum for bn in norms]
    saved = [(bn.running_mean.clone(), bn.running_var.clone(), bn.num_batches_tracked.clone()) for bn in norms]
    with restored_modes(model):
        try:
            model.eval()  # dropout off, and every other stochastic or batch-dependent layer in its inference form
            for bn in norms:
                bn.reset_running_stats()
                bn.momentum = None  # cumulative moving average: every batch counts equally
                bn.train()
            n_batches = 0
            for batch in batches:
                model(_input_of(batch))
                n_batches += 1
            if n_batches == 0:
                raise ValueError("batches is empty: there is nothing to estimate the statistics from")
        except BaseException:
            for bn, (mean, var, count) in zip(norms, saved):  # leave the statistics as they were
                bn.running_mean.copy_(mean)
                bn.running_var.copy_(var)
                bn.num_batches_tracked.copy_(count)
            raise
        finally:
            for bn, momentum in zip(norms, momenta):
                bn.momentum = momentum
    return n_batches


def _channel_variance(x):
    """Population variance per channel (dim 1) over every other dimension, as batch norm groups the values."""
    dims = [d for d in range(x.ndim) if d != 1]
    return x.var(dim=dims, correction=0)


@torch.no_grad()
def measure_variance_shift(model: nn.Module, x: torch.Tensor, layer: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The per-channel variance of the input of ``layer`` with dropout on and with dropout off.

    Both passes keep every module except the dropout layers in evaluation mode (batch norm uses its running
    statistics), so the two differ by dropout alone: the variance shift of Li et al. (2019), which
    :func:`dropout_variance` predicts. Every module's mode is restored afterwards.

    Args:
        model: a ``torch.nn.Module`` containing ``layer`` and at least one dropout layer before it.
        x: one input batch for ``model``.
        layer: the module whose input is measured, typically a batch-norm layer; its input is ``(N, C, *)``.

    Returns:
        ``(train_var, test_var)``, two tensors of shape ``(C,)``; ``test_var / train_var`` is about
        :math:`1-p` for inputs of mean zero.

    Example::

        >>> net = nn.Sequential(nn.Dropout(0.5), nn.BatchNorm1d(2))
        >>> train_var, test_var = measure_variance_shift(net, torch.randn(20000, 2), net[1])
        >>> [round(v, 1) for v in (test_var / train_var).tolist()]
        [0.5, 0.5]
    """
    seen = []
    hook = layer.register_forward_hook(lambda module, args, output: seen.append(args[0]))
    try:
        with restored_modes(model):
            with mc_dropout(model):
                model(x)
            model.eval()
            model(x)
    finally:
        hook.remove()
    if len(seen) != 2:
        raise ValueError(f"{type(layer).__name__} must be called exactly once per forward pass of the model, but was "
                         f"called {len(seen)} times in two passes")
    return _channel_variance(seen[0]), _channel_variance(seen[1])
