"""Targeted dropout: drop mostly the weights that matter least, so that pruning them afterwards costs little.

Reference: Gomez, Zhang, Kamalakara, Madaan, Swersky, Gal & Hinton (2019), "Learning Sparse Networks Using
Targeted Dropout", arXiv:1905.13678. For each output unit (a column of the weight in their notation, a row of
PyTorch's ``(out, in)`` weight), the fraction ``gamma`` of weights with the smallest magnitude are candidates, and
each candidate is dropped with probability ``alpha``; no rescaling. After training the candidates are pruned.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from dropout_lib._checks import check_rate


def targeted_candidates(weight, targeted_fraction=0.5):
    r"""Boolean mask of the candidates: in each row of the ``(out, in)`` weight, the
    :math:`\lfloor\gamma \cdot \text{in}\rfloor` entries of smallest magnitude (ties broken by position)."""
    gamma = check_rate(targeted_fraction, "targeted_fraction")
    if weight.ndim != 2:
        raise ValueError(f"targeted dropout expects a 2-D weight (out, in), but got shape {tuple(weight.shape)}")
    k = math.floor(gamma * weight.shape[1])
    candidates = torch.zeros(weight.shape, dtype=torch.bool, device=weight.device)
    if k > 0:
        smallest = weight.detach().abs().topk(k, dim=1, largest=False, sorted=False).indices
        candidates.scatter_(1, smallest, True)
    return candidates


def targeted_dropout(weight, drop_rate=0.5, targeted_fraction=0.5, training=True, *, prune=True, generator=None):
    r"""Targeted weight dropout.

    .. math::
        W' = W \odot (1 - c \odot d), \qquad d_{ij} \sim \mathrm{Bernoulli}(\alpha)

    where :math:`c` marks the candidates (:func:`targeted_candidates`). Only candidates are ever dropped and
    nothing is rescaled. In evaluation, the candidates are pruned (``prune=True``) or the weight is returned
    unchanged (``prune=False``).

    Args:
        weight: a weight of shape :math:`(\text{out}, \text{in})`.
        drop_rate: :math:`\alpha`, the probability of dropping a candidate. Default: 0.5.
        targeted_fraction: :math:`\gamma`, the fraction of each row that are candidates. Default: 0.5.
        training: drop candidates at random if ``True``. Default: ``True``.
        prune: in evaluation, zero every candidate. Default: ``True``.
        generator: a ``torch.Generator``; the global generator when ``None``.

    Example::

        >>> w = torch.tensor([[0.1, -2.0, 0.3, 4.0]])
        >>> targeted_dropout(w, drop_rate=1.0, targeted_fraction=0.5)
        tensor([[ 0., -2.,  0.,  4.]])
    """
    alpha = check_rate(drop_rate, "drop_rate")
    candidates = targeted_candidates(weight, targeted_fraction)
    if not training:
        return weight.masked_fill(candidates, 0.0) if prune else weight
    dropped = torch.empty(weight.shape, dtype=weight.dtype, device=weight.device).bernoulli_(alpha, generator=generator)
    return weight * (1 - candidates.to(weight.dtype) * dropped)


class TargetedDropoutLinear(nn.Linear):
    r"""A linear layer trained with targeted dropout on its weight (one draw per forward, shared by the batch).

    In evaluation mode the candidates are pruned, which is the point of the method: the network learns to work
    without them.

    Args:
        in_features, out_features, bias: as ``torch.nn.Linear``.
        drop_rate: :math:`\alpha`, the probability of dropping a candidate. Default: 0.5.
        targeted_fraction: :math:`\gamma`, the fraction of each output unit's weights that are candidates.
            Default: 0.5.

    Shape:
        Input: :math:`(*, H_{in})`. Output: :math:`(*, H_{out})`.

    Example::

        >>> TargetedDropoutLinear(16, 4)(torch.randn(2, 16)).shape
        torch.Size([2, 4])

    Reference: Gomez et al. (2019).
    """

    is_dropout = True
    mask_shared_across_batch = True

    def __init__(self, in_features, out_features, bias=True, drop_rate=0.5, targeted_fraction=0.5):
        super().__init__(in_features, out_features, bias)
        self.drop_rate = check_rate(drop_rate, "drop_rate")
        self.targeted_fraction = check_rate(targeted_fraction, "targeted_fraction")

    def forward(self, x, *, generator=None):
        w = targeted_dropout(self.weight, self.drop_rate, self.targeted_fraction, self.training, generator=generator)
        return F.linear(x, w, self.bias)

    def extra_repr(self):
        return super().extra_repr() + f", drop_rate={self.drop_rate}, targeted_fraction={self.targeted_fraction}"
