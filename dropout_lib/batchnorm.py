"""Dropout and batch normalization: the variance shift, and re-estimating batch-norm statistics.

Reference: Li, Chen, Hu & Yang (2019), "Understanding the Disharmony between Dropout and Batch Normalization by
Variance Shift", CVPR. A batch-norm layer after dropout learns running statistics of the noisy training-time
activations; at inference dropout is off, the variance is smaller, and the normalization is off.
"""

import torch
from torch import nn

from dropout_lib._checks import check_rate


def dropout_variance(mean, var, p):
    r"""The variance of an inverted-dropout unit in training and at inference.

    For :math:`y = x m/(1-p)` with :math:`m \sim \mathrm{Bernoulli}(1-p)` independent of :math:`x`,
    :math:`\mathbb{E}[x] = c`, :math:`\mathrm{Var}[x] = v`:

    .. math::
        \mathbb{E}[y^2] = \frac{\mathbb{E}[x^2]\,\mathbb{E}[m^2]}{(1-p)^2} = \frac{c^2 + v}{1-p}, \qquad
        \mathrm{Var}_{\text{train}}[y] = \frac{c^2 + v}{1-p} - c^2, \qquad \mathrm{Var}_{\text{test}}[y] = v

    (Li et al. 2019, eq. 3, written with the drop rate p instead of the keep rate.) Works elementwise for floats,
    NumPy arrays and tensors.

    Returns:
        ``(train_var, test_var)``.

    Example::

        >>> dropout_variance(0.0, 1.0, 0.5)
        (2.0, 1.0)
    """
    p = check_rate(p)
    if p == 1.0:
        raise ValueError("the training variance is undefined at p = 1: every unit is dropped and nothing is rescaled")
    train_var = (mean * mean + var) / (1.0 - p) - mean * mean
    return train_var, var


BATCHNORM_TYPES = (nn.modules.batchnorm._BatchNorm,)


def _set_modes(model, modes):
    for module, mode in zip(model.modules(), modes):
        module.training = mode


@torch.no_grad()
def recalibrate_batchnorm(model, batches):
    r"""Re-estimate the running statistics of every batch-norm layer of ``model`` with dropout switched off.

    Each batch-norm layer's running mean and variance are reset and recomputed as the cumulative (equally
    weighted) average over ``batches`` (``momentum=None``), with every other module in evaluation mode, so that
    they match what the layer sees at inference. Parameters are not changed; every module's train/eval mode and
    every batch-norm layer's momentum are restored afterwards, also on error.

    Args:
        model: a ``torch.nn.Module``.
        batches: an iterable of input tensors (or of tuples whose first element is the input).

    Returns:
        the number of batches used.

    Example::

        >>> net = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.BatchNorm1d(8))
        >>> recalibrate_batchnorm(net, [torch.randn(16, 4) for _ in range(3)])
        3
    """
    norms = [m for m in model.modules() if isinstance(m, BATCHNORM_TYPES)]
    if not norms:
        raise ValueError("the model has no batch-norm layer to recalibrate")
    modes = [m.training for m in model.modules()]
    momenta = [m.momentum for m in norms]
    saved = [{k: v.clone() for k, v in bn.state_dict().items() if k.startswith(("running_", "num_batches"))} for bn in norms]
    try:
        model.eval()
        for bn in norms:
            bn.reset_running_stats()
            bn.momentum = None  # cumulative moving average: every batch counts equally
            bn.train()
        n_batches = 0
        for batch in batches:
            model(batch[0] if isinstance(batch, (tuple, list)) else batch)
            n_batches += 1
        if n_batches == 0:
            raise ValueError("batches is empty: there is nothing to estimate the statistics from")
    except BaseException:
        for bn, state in zip(norms, saved):  # leave the statistics as they were
            bn.load_state_dict(state, strict=False)
        raise
    finally:
        for bn, momentum in zip(norms, momenta):
            bn.momentum = momentum
        _set_modes(model, modes)
    return n_batches
