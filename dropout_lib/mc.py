"""Monte-Carlo dropout: dropout kept on at prediction time, averaged over samples.

Reference: Gal & Ghahramani (2016), "Dropout as a Bayesian Approximation: Representing Model Uncertainty in Deep
Learning", ICML. Only the dropout layers are made stochastic: calling ``model.train()`` instead would also put
batch norm in training mode (batch statistics, updated running averages), and ``model.eval()`` switches dropout
off altogether.
"""

import operator
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import torch
from torch import nn

from dropout_lib._checks import check_flag
from dropout_lib._modes import restored_modes


def is_dropout_layer(module: nn.Module) -> bool:
    """True for PyTorch's dropout modules (subclasses of ``nn.modules.dropout._DropoutNd``: ``nn.Dropout``,
    ``nn.Dropout1d/2d/3d``, ``nn.AlphaDropout``, ``nn.FeatureAlphaDropout``) and for every module that declares
    itself stochastic with the class attribute ``is_dropout = True``, as every layer of this library does.

    The dropout between the layers of ``nn.LSTM``/``nn.GRU``/``nn.RNN`` (their ``dropout`` argument) is part of
    those modules, not a dropout layer: MC dropout leaves it off.

    Example::

        >>> is_dropout_layer(nn.AlphaDropout(0.1)), is_dropout_layer(nn.BatchNorm1d(3))
        (True, False)
    """
    return isinstance(module, nn.modules.dropout._DropoutNd) or getattr(module, "is_dropout", False) is True


def dropout_layers(model: nn.Module) -> list[nn.Module]:
    """The dropout layers of ``model`` (itself included), in the order of ``model.modules()``.

    Example::

        >>> len(dropout_layers(nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.1), nn.Dropout2d(0.2))))
        2
    """
    return [m for m in model.modules() if is_dropout_layer(m)]


@contextmanager
def mc_dropout(model: nn.Module) -> Iterator[nn.Module]:
    """Within the block, only the dropout layers of ``model`` are in training mode; every other module (batch
    norm, and the children of a dropout layer such as the LSTM inside a ``WeightDrop``) is in evaluation mode.
    Every module's mode is restored on exit, also after an exception.

    Raises:
        ValueError: if the model has no dropout layer (MC dropout would silently return zero variance).

    Example::

        >>> net = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.Dropout(0.5))
        >>> with mc_dropout(net):
        ...     [m.training for m in net]
        [False, False, True]
        >>> [m.training for m in net]
        [True, True, True]
    """
    layers = dropout_layers(model)
    if not layers:
        raise ValueError(f"{type(model).__name__} has no dropout layer, so MC dropout would return zero variance; "
                         "add one (nn.Dropout* or a layer with is_dropout = True)")
    with restored_modes(model):
        model.eval()
        for layer in layers:
            layer.training = True  # this module only, not its children
        yield model


def _check_samples(n_samples):
    try:
        n = operator.index(n_samples)
    except TypeError:
        n = 0
    if isinstance(n_samples, bool) or n < 1:
        raise ValueError(f"n_samples must be a positive integer, but got {n_samples!r}")
    return n


@torch.no_grad()
def mc_samples(model: nn.Module, x: torch.Tensor, n_samples: int = 50, batched: bool = False) -> torch.Tensor:
    r"""``n_samples`` stochastic forward passes of ``model`` on ``x``, stacked: shape ``(n_samples, *model(x).shape)``.

    With ``batched=True`` the samples come from ONE forward pass on ``x`` repeated ``n_samples`` times along the
    first dimension, which must be the model's batch dimension, instead of a Python loop. That is valid only when
    every stochastic layer draws its mask independently per sample; a model with a layer whose mask is shared
    across the batch (``mask_shared_across_batch = True``: DropConnect, weight drop, targeted dropout) raises
    ``ValueError``. Memory grows ``n_samples``-fold.

    Example::

        >>> net = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 2))
        >>> mc_samples(net, torch.randn(3, 4), n_samples=10, batched=True).shape
        torch.Size([10, 3, 2])
    """
    n_samples = _check_samples(n_samples)
    check_flag(batched, "batched")
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


def mc_predict(model: nn.Module, x: torch.Tensor, n_samples: int = 50,
               batched: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    r"""MC-dropout predictive mean and variance.

    .. math::
        \hat\mu = \frac1T \sum_{t=1}^T f_t(x), \qquad \hat\sigma^2 = \frac1T \sum_{t=1}^T f_t(x)^2 - \hat\mu^2

    over :math:`T` = ``n_samples`` passes with dropout on and everything else in evaluation mode; the population
    variance, dividing by :math:`T` as in Gal & Ghahramani's estimator (add :math:`\tau^{-1}`, the observation
    noise, for the full predictive variance of a regression model). No gradients are recorded and every module's
    mode is the same after the call as before, also if the model raises.

    Args:
        model: a ``torch.nn.Module`` with at least one dropout layer (see :func:`is_dropout_layer`), returning
            a tensor.
        x: the input batch.
        n_samples: the number of stochastic passes :math:`T`. Default: 50.
        batched: run the passes as one batched forward (see :func:`mc_samples`). Default: ``False``.

    Returns:
        ``(mean, var)``, each shaped like ``model(x)``.

    Raises:
        ValueError: if the model has no dropout layer, if ``n_samples`` is not a positive integer, or if
            ``batched`` and a layer shares its mask across the batch.

    Example::

        >>> net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 1))
        >>> mean, var = mc_predict(net, torch.randn(5, 4), n_samples=20)
        >>> mean.shape, var.shape, bool((var >= 0).all())
        (torch.Size([5, 1]), torch.Size([5, 1]), True)

    Reference: Gal & Ghahramani (2016), ICML.
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
    # 0 log 0 = 0: clamping keeps log finite where a probability underflows to zero.
    return -(probs * torch.log(probs.clamp_min(torch.finfo(probs.dtype).tiny))).sum(dim=-1)


def mc_classify(model: nn.Module, x: torch.Tensor, n_samples: int = 50, batched: bool = False) -> MCClassification:
    r"""MC-dropout prediction of a classifier whose output is logits of shape ``(N, K)``.

    .. math::
        \bar p = \frac1T\sum_t \mathrm{softmax}(f_t(x)), \quad
        \mathbb{H}[\bar p], \quad \frac1T\sum_t \mathbb{H}[p_t], \quad
        I = \mathbb{H}[\bar p] - \frac1T\sum_t \mathbb{H}[p_t] \ge 0

    The mutual information between the prediction and the dropout mask (Houlsby et al., 2011; Gal, 2016) is
    large where the sampled networks disagree: epistemic uncertainty. It is zero when every pass gives the same
    probabilities (negative rounding errors are clamped to zero).

    Args:
        model, x, n_samples, batched: as in :func:`mc_predict`.

    Returns:
        an :class:`MCClassification` ``(probs, predictive_entropy, expected_entropy, mutual_information)``,
        shaped ``(N, K)``, ``(N,)``, ``(N,)``, ``(N,)``.

    Raises:
        ValueError: as :func:`mc_predict`, and if the model's output is not at least 2-D ``(N, K)``.

    Example::

        >>> net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3))
        >>> out = mc_classify(net, torch.randn(5, 4), n_samples=20)
        >>> out.probs.shape, out.mutual_information.shape
        (torch.Size([5, 3]), torch.Size([5]))
    """
    samples = mc_samples(model, x, n_samples, batched)
    if samples.ndim < 3:  # a 1-D output has no class dimension: softmax over the batch would be silently wrong
        raise ValueError(f"mc_classify expects the model to return logits of shape (N, K), but model(x) has shape "
                         f"{tuple(samples.shape[1:])}")
    probs = torch.softmax(samples, dim=-1)
    mean = probs.mean(dim=0)
    predictive = _entropy(mean)
    expected = _entropy(probs).mean(dim=0)
    return MCClassification(mean, predictive, expected, (predictive - expected).clamp_min(0.0))
