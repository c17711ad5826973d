"""Targeted dropout: drop mostly the weights that matter least, so that pruning them afterwards costs little.

Reference: Gomez, Zhang, Kamalakara, Madaan, Swersky, Gal & Hinton (2019), "Learning Sparse Networks Using
Targeted Dropout", arXiv:1905.13678, and the authors' code (for-ai/TD). For each output unit (a column of the
weight in their ``(in, out)`` layout, a row of PyTorch's ``(out, in)`` weight) the fraction ``gamma`` of weights
with the smallest magnitude are candidates, and each candidate is dropped with probability ``alpha``, without
rescaling. After training the candidates are pruned: the network has learned to work without them.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from dropout_lib._checks import check_flag, check_float_tensor, check_generator, check_mask, check_rate


def _check_weight(weight):
    check_float_tensor(weight, "weight")
    if weight.ndim < 2:
        raise ValueError(f"targeted dropout expects a weight of shape (out, in, *), at least 2-D, but got shape "
                         f"{tuple(weight.shape)}")


def targeted_candidates(weight: torch.Tensor, targeted_fraction: float = 0.5) -> torch.Tensor:
    r"""Boolean mask of the candidates for dropping: for each output unit (row of the ``(out, in, *)`` weight,
    trailing dimensions flattened), the :math:`k = \lfloor\gamma \cdot \text{fan\_in}\rfloor` entries of smallest
    magnitude, ties broken by position.

    Args:
        weight: a weight of shape :math:`(\text{out}, \text{in}, *)`, e.g. a linear or convolution weight.
        targeted_fraction: :math:`\gamma`, the fraction of each unit's weights that are candidates. Default: 0.5.

    Example::

        >>> targeted_candidates(torch.tensor([[0.1, -2.0, 0.3, 4.0], [5.0, 0.0, -0.2, 1.0]]), 0.5)
        tensor([[ True, False,  True, False],
                [False,  True,  True, False]])
    """
    gamma = check_rate(targeted_fraction, "targeted_fraction")
    _check_weight(weight)
    magnitude = weight.detach().abs().reshape(weight.shape[0], math.prod(weight.shape[1:]))
    # The reference code takes int(gamma * fan_in); the tolerance keeps e.g. 0.29 * 100 from rounding down to 28.
    k = math.floor(gamma * magnitude.shape[1] + 1e-9)
    candidates = torch.zeros(magnitude.shape, dtype=torch.bool, device=weight.device)
    if k > 0:
        smallest = magnitude.sort(dim=1, stable=True).indices[:, :k]
        candidates.scatter_(1, smallest, True)
    return candidates.reshape(weight.shape)


def _draw_keep(weight, alpha, generator):
    """Independent Bernoulli(1 - alpha) keep draws, one per weight (used for the candidates only)."""
    return torch.empty(weight.shape, device=weight.device).bernoulli_(1.0 - alpha, generator=generator).bool()


def targeted_weight_mask(weight: torch.Tensor, drop_rate: float = 0.5, targeted_fraction: float = 0.5, *,
                         generator: torch.Generator | None = None) -> torch.Tensor:
    r"""A random keep mask for targeted dropout: ``False`` where a candidate is dropped, each candidate
    independently with probability :math:`\alpha` = ``drop_rate``; ``True`` everywhere else.

    Example::

        >>> targeted_weight_mask(torch.tensor([[0.1, -2.0, 0.3, 4.0]]), drop_rate=1.0)
        tensor([[False,  True, False,  True]])
    """
    alpha = check_rate(drop_rate, "drop_rate")
    check_generator(generator)
    return ~targeted_candidates(weight, targeted_fraction) | _draw_keep(weight, alpha, generator)


def targeted_dropout(weight: torch.Tensor, drop_rate: float = 0.5, targeted_fraction: float = 0.5,
                     training: bool = True, *, prune: bool = True, mask: torch.Tensor | None = None,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Targeted weight dropout.

    .. math::
        W' = W \odot (1 - c \odot d), \qquad d_{ij} \sim \mathrm{Bernoulli}(\alpha)

    where :math:`c` marks the candidates (:func:`targeted_candidates`). Only candidates are ever dropped and nothing
    is rescaled. In evaluation (``training=False``) the candidates are pruned, as in the authors' code
    (``prune=True``), or the weight is returned unchanged (``prune=False``).

    Args:
        weight: a weight of shape :math:`(\text{out}, \text{in}, *)`.
        drop_rate: :math:`\alpha`, the probability of dropping a candidate. Default: 0.5.
        targeted_fraction: :math:`\gamma`, the fraction of each unit's weights that are candidates. Default: 0.5.
        training: drop candidates at random if ``True``. Default: ``True``.
        prune: in evaluation, zero every candidate. Default: ``True``.
        mask: a keep mask (bool or 0/1) broadcastable to ``weight``, applied to the candidates only; drawn
            afresh (:func:`targeted_weight_mask`) when ``None``.
        generator: a ``torch.Generator``; the global generator when ``None``.

    Shape:
        Input: the weight, :math:`(\text{out}, \text{in}, *)`. Output: the same shape.

    Example::

        >>> w = torch.tensor([[0.1, -2.0, 0.3, 4.0]])
        >>> targeted_dropout(w, drop_rate=1.0, targeted_fraction=0.5)
        tensor([[ 0., -2.,  0.,  4.]])
        >>> targeted_dropout(w, training=False, prune=False)
        tensor([[ 0.1000, -2.0000,  0.3000,  4.0000]])

    Reference: Gomez et al. (2019), arXiv:1905.13678.
    """
    alpha = check_rate(drop_rate, "drop_rate")
    check_flag(training, "training")
    check_flag(prune, "prune")
    check_generator(generator)
    candidates = targeted_candidates(weight, targeted_fraction)
    if mask is not None:
        check_mask(mask, weight.shape, "targeted_dropout", meaning="the weight's shape")
    if not training:
        return weight.masked_fill(candidates, 0.0) if prune else weight
    if alpha == 0.0:
        return weight
    if mask is None:
        mask = _draw_keep(weight, alpha, generator)
    keep = ~candidates | mask.bool()
    return weight * keep.to(weight.dtype)


class TargetedDropoutLinear(nn.Linear):
    r"""A linear layer trained with targeted dropout on its weight: in training, one draw per forward call, shared
    by the batch, of which candidates to drop (:func:`targeted_dropout`); in evaluation, the candidates pruned
    (or the plain layer if ``prune_in_eval=False``). Parameters are initialised as ``torch.nn.Linear``'s.

    Args:
        in_features, out_features, bias: as ``torch.nn.Linear``.
        drop_rate: :math:`\alpha`, the probability of dropping a candidate. Default: 0.5.
        targeted_fraction: :math:`\gamma`, the fraction of each output unit's weights that are candidates.
            Default: 0.5.
        prune_in_eval: zero the candidates in evaluation mode, the point of the method. Default: ``True``.

    Shape:
        Input: :math:`(*, H_{in})`. Output: :math:`(*, H_{out})`.

    Example::

        >>> TargetedDropoutLinear(16, 4)(torch.randn(2, 16)).shape
        torch.Size([2, 4])

    Reference: Gomez et al. (2019), arXiv:1905.13678.
    """

    is_dropout = True
    mask_shared_across_batch = True

    def __init__(self, in_features: int, out_features: int, bias: bool = True, drop_rate: float = 0.5,
                 targeted_fraction: float = 0.5, prune_in_eval: bool = True, *,
                 device: torch.device | str | None = None, dtype: torch.dtype | None = None) -> None:
        super().__init__(in_features, out_features, bias, device=device, dtype=dtype)
        self.drop_rate = check_rate(drop_rate, "drop_rate")
        self.targeted_fraction = check_rate(targeted_fraction, "targeted_fraction")
        self.prune_in_eval = check_flag(prune_in_eval, "prune_in_eval")

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        weight = targeted_dropout(self.weight, self.drop_rate, self.targeted_fraction, self.training,
                                  prune=self.prune_in_eval, generator=generator)
        return F.linear(x, weight, self.bias)

    def extra_repr(self) -> str:
        return (super().extra_repr() + f", drop_rate={self.drop_rate}, targeted_fraction={self.targeted_fraction}, "
                f"prune_in_eval={self.prune_in_eval}")
