"""Monte-Carlo dropout: dropout kept on at prediction time, averaged over samples.

Reference: Gal & Ghahramani (2016), "Dropout as a Bayesian Approximation: Representing Model Uncertainty in Deep
Learning", ICML. Only the dropout layers are made stochastic: calling ``model.train()`` instead would also put
batch norm in training mode (batch statistics, updated running averages), and ``model.eval()`` switches dropout
off altogether.
"""

from contextlib import contextmanager
from typing import NamedTuple

import torch
from torch import nn


def is_dropout_layer(module):
    """True for PyTorch's dropout modules (``nn.Dropout``, ``nn.Dropout1d/2d/3d``, ``nn.AlphaDropout``,
    ``nn.FeatureAlphaDropout``) and for every stochastic layer of this library (``is_dropout = True``)."""
    return isinstance(module, nn.modules.dropout._DropoutNd) or getattr(module, "is_dropout", False)


def dropout_layers(model):
    """The dropout layers of ``model``, in the order of ``model.modules()``."""
    return [m for m in model.modules() if is_dropout_layer(m)]


@contextmanager
def mc_dropout(model):
    """Within the block, only the dropout layers of ``model`` are in training mode; every other module (batch
    norm included) is in evaluation mode. Every module's mode is restored on exit, also after an exception.

    Raises ``ValueError`` if the model has no dropout layer (MC dropout would silently return zero variance).

    Example::

        >>> net = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.Dropout(0.5))
        >>> with mc_dropout(net):
        ...     [m.training for m in net]
        [False, False, True]
    """
    layers = dropout_layers(model)
    if not layers:
        raise ValueError("the model has no dropout layer: MC dropout needs at least one")
    modes = [(m, m.training) for m in model.modules()]
    try:
        model.eval()
        for layer in layers:
            layer.train()
        yield model
    finally:
        for module, mode in modes:
            module.training = mode


def _check_samples(n_samples):
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, but got {n_samples!r}")


@torch.no_grad()
def mc_samples(model, x, n_samples=50, batched=False):
    r"""``n_samples`` stochastic forward passes of ``model`` on ``x``, stacked: shape ``(n_samples, *model(x).shape)``.

    With ``batched=True`` the samples come from ONE forward pass on ``x`` repeated ``n_samples`` times along the
    first (batch) dimension instead of a Python loop. That is valid only when every stochastic layer draws its
    mask independently per sample; a model with a layer whose mask is shared across the batch (DropConnect,
    weight drop) raises ``ValueError``. Memory grows ``n_samples``-fold.
    """
    _check_samples(n_samples)
    with mc_dropout(model):
        if not batched:
            return torch.stack([model(x) for _ in range(n_samples)])
        shared = [type(m).__name__ for m in dropout_layers(model) if getattr(m, "mask_shared_across_batch", False)]
        if shared:
            raise ValueError(
                f"batched MC dropout needs per-sample masks, but {', '.join(shared)} shares one mask across the "
                "batch; use batched=False"
            )
        out = model(x.repeat(n_samples, *([1] * (x.ndim - 1))))
        return out.reshape(n_samples, x.shape[0], *out.shape[1:])


def mc_predict(model, x, n_samples=50, batched=False):
    r"""MC-dropout predictive mean and variance.

    .. math::
        \hat\mu = \frac1T \sum_{t=1}^T f_t(x), \qquad \hat\sigma^2 = \frac1T \sum_{t=1}^T f_t(x)^2 - \hat\mu^2

    over :math:`T` = ``n_samples`` passes with dropout on and everything else in evaluation mode; the population
    variance, dividing by :math:`T` as in Gal & Ghahramani's estimator (add :math:`\tau^{-1}`, the observation
    noise, for the full predictive variance of a regression model). No gradients are recorded and every module's
    mode is the same after the call as before.

    Args:
        model: a ``torch.nn.Module`` with at least one dropout layer.
        x: the input batch.
        n_samples: the number of stochastic passes :math:`T`. Default: 50.
        batched: run the passes as one batched forward (see :func:`mc_samples`). Default: ``False``.

    Returns:
        ``(mean, var)``, each shaped like ``model(x)``.
    """
    samples = mc_samples(model, x, n_samples, batched)
    return samples.mean(dim=0), samples.var(dim=0, correction=0)


class MCClassification(NamedTuple):
    """The MC-dropout summary of a classifier's predictions (entropies in nats)."""

    probs: torch.Tensor  # mean predicted probabilities, (N, K)
    predictive_entropy: torch.Tensor  # H[mean probs], total uncertainty, (N,)
    expected_entropy: torch.Tensor  # mean of H[probs_t], the aleatoric part, (N,)
    mutual_information: torch.Tensor  # their difference, the epistemic part, (N,)


def _entropy(probs):
    return -(probs * torch.log(probs.clamp_min(torch.finfo(probs.dtype).tiny))).sum(dim=-1)


def mc_classify(model, x, n_samples=50, batched=False):
    r"""MC-dropout prediction of a classifier whose output is logits of shape ``(N, K)``.

    .. math::
        \bar p = \frac1T\sum_t \mathrm{softmax}(f_t(x)), \quad
        \mathbb{H}[\bar p], \quad \frac1T\sum_t \mathbb{H}[p_t], \quad
        I = \mathbb{H}[\bar p] - \frac1T\sum_t \mathbb{H}[p_t] \ge 0

    The mutual information between the prediction and the dropout mask (Houlsby et al., 2011; Gal, 2016) is
    large where the sampled networks disagree: epistemic uncertainty.

    Returns:
        an :class:`MCClassification`.
    """
    probs = torch.softmax(mc_samples(model, x, n_samples, batched), dim=-1)
    mean = probs.mean(dim=0)
    predictive = _entropy(mean)
    expected = _entropy(probs).mean(dim=0)
    return MCClassification(mean, predictive, expected, (predictive - expected).clamp_min(0.0))
