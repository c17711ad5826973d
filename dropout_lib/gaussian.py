r"""Gaussian (multiplicative) dropout: multiply by noise with mean 1 instead of a scaled Bernoulli mask.

Reference: Srivastava et al. (2014), section 10: noise :math:`r \sim \mathcal{N}(1, \sigma^2)` with the variance of
the inverted Bernoulli mask, :math:`\sigma^2 = p/(1-p)` for drop probability p. Keras's ``GaussianDropout(rate)``
uses the same :math:`\sigma = \sqrt{\text{rate}/(1-\text{rate})}`.
"""

import math

import torch
from torch import nn

from dropout_lib._checks import check_broadcasts, check_call, check_float_tensor, check_rate


def gaussian_noise_std(p: float) -> float:
    r"""The noise's standard deviation :math:`\sigma = \sqrt{p/(1-p)}`, that of the inverted Bernoulli mask."""
    return math.sqrt(p / (1.0 - p))


def gaussian_dropout(x: torch.Tensor, p: float = 0.5, training: bool = True, *, noise: torch.Tensor | None = None,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Gaussian dropout.

    .. math::
        y = x \odot \varepsilon, \qquad \varepsilon_i \sim \mathcal{N}\!\left(1, \frac{p}{1-p}\right)

    The noise has the mean and variance of the inverted-dropout mask :math:`m/(1-p)`, so the first two moments of
    the output match those of inverted dropout.

    Args:
        x: input of any shape.
        p: the drop probability whose mask variance the noise copies; ``0 <= p < 1``. Default: 0.5.
        training: apply the noise if ``True``; identity otherwise. Default: ``True``.
        noise: a tensor :math:`\varepsilon` broadcastable to ``x``; drawn afresh when ``None``.
        generator: a ``torch.Generator`` to draw the noise from; the global generator when ``None``.

    Shape:
        Input: :math:`(*)`. Output: the same shape.

    Example::

        >>> gaussian_dropout(torch.ones(3), p=0.5, noise=torch.tensor([0.5, 1.0, 2.0]))
        tensor([0.5000, 1.0000, 2.0000])
    """
    p = check_call(x, p, training, generator)
    if p == 1.0:
        raise ValueError("gaussian dropout needs p < 1: the noise variance p/(1-p) is infinite at p = 1")
    if noise is not None:
        check_broadcasts(check_float_tensor(noise, "noise"), x.shape, "gaussian_dropout", "noise")
    if not training or p == 0.0:
        return x
    if noise is None:
        noise = torch.empty(x.shape, dtype=x.dtype, device=x.device).normal_(1.0, gaussian_noise_std(p), generator=generator)
    return x * noise


class GaussianDropout(nn.Module):
    r"""Gaussian dropout: multiply each element by :math:`\mathcal{N}(1, p/(1-p))` noise in training; the identity in
    evaluation mode.

    Args:
        p: the equivalent drop probability, ``0 <= p < 1``. Default: 0.5.

    Shape:
        Input: :math:`(*)`. Output: the same shape.

    Example::

        >>> GaussianDropout(p=0.2)(torch.randn(4, 8)).shape
        torch.Size([4, 8])

    Reference: Srivastava et al. (2014), section 10.
    """

    is_dropout = True
    mask_shared_across_batch = False

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = check_rate(p)
        if self.p == 1.0:
            raise ValueError("gaussian dropout needs p < 1: the noise variance p/(1-p) is infinite at p = 1")

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        return gaussian_dropout(x, self.p, self.training, generator=generator)

    def extra_repr(self) -> str:
        return f"p={self.p}"
