"""DropPath (stochastic depth): drop a residual branch for whole samples.

References: Huang, Sun, Liu, Sedra & Weinberger (2016), "Deep Networks with Stochastic Depth", ECCV (the
linearly decaying survival rule); Larsson, Maire & Shakhnarovich (2017), "FractalNet" (drop-path). In a residual
block ``x + drop_path(f(x))`` a dropped sample skips the block. The per-sample, inverted form follows timm's
``timm/layers/drop.py``; the linear rate rule is the one DeiT and Swin use.
"""

import torch
from torch import nn

from dropout_lib._checks import check_call, check_flag, check_mask, check_rate
from dropout_lib.dropout import keep_mask


def sample_mask_shape(x: torch.Tensor) -> tuple[int, ...]:
    """The shape ``(B, 1, ..., 1)`` of a per-sample mask for an input whose first dimension is the batch."""
    return (x.shape[0], *([1] * (x.ndim - 1)))


def drop_path(x: torch.Tensor, p: float = 0.0, training: bool = False, scale_by_keep: bool = True, *,
              mask: torch.Tensor | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Drop the whole residual branch of each sample with probability ``p``.

    .. math::
        y_b = x_b \, \frac{m_b}{1-p} \ \text{(scale\_by\_keep)} \quad\text{or}\quad y_b = x_b\, m_b,
        \qquad m_b \sim \mathrm{Bernoulli}(1-p)

    Args:
        x: the branch's output, shape :math:`(B, *)`, at least 1-D.
        p: probability of dropping a sample's branch. Default: 0.0 (as timm).
        training: apply only if ``True``. Default: ``False`` (as timm's function).
        scale_by_keep: divide kept samples by :math:`1-p` (inverted form). Default: ``True``.
        mask: a per-sample keep mask of 0/1 broadcastable to :math:`(B, 1, \ldots, 1)`; drawn afresh when ``None``.
        generator: a ``torch.Generator`` to draw the mask from; the global generator when ``None``.

    Shape:
        Input: :math:`(B, *)`. Output: the same shape.

    Example::

        >>> drop_path(torch.ones(2, 3), p=0.5, training=True, mask=torch.tensor([[1.0], [0.0]]))
        tensor([[2., 2., 2.],
                [0., 0., 0.]])
    """
    p = check_call(x, p, training, generator)
    check_flag(scale_by_keep, "scale_by_keep")
    if x.ndim < 1:
        raise ValueError("drop_path expects an input with a batch dimension, but got a 0-D tensor")
    if mask is not None:
        check_mask(mask, sample_mask_shape(x), "drop_path", meaning="one value per sample")
    if not training or p == 0.0:
        return x
    if mask is None:
        mask = keep_mask(sample_mask_shape(x), p, like=x, generator=generator)
    mask = mask.to(dtype=x.dtype, device=x.device)
    if scale_by_keep and p < 1.0:  # at p = 1 every branch is dropped and there is nothing to rescale
        mask = mask / (1.0 - p)
    return x * mask


class DropPath(nn.Module):
    r"""DropPath / stochastic depth for the residual branch of a block: ``x + DropPath(p)(f(x))``.

    Args:
        p: probability of dropping a sample's branch. Default: 0.0.
        scale_by_keep: divide kept samples by :math:`1-p`. Default: ``True``.

    Shape:
        Input: :math:`(B, *)`. Output: the same shape.

    Example::

        >>> DropPath(p=0.1)(torch.randn(4, 197, 192)).shape
        torch.Size([4, 197, 192])

    Reference: Huang et al. (2016); Larsson et al. (2017).
    """

    is_dropout = True
    mask_shared_across_batch = False

    def __init__(self, p: float = 0.0, scale_by_keep: bool = True) -> None:
        super().__init__()
        self.p = check_rate(p)
        self.scale_by_keep = check_flag(scale_by_keep, "scale_by_keep")

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        return drop_path(x, self.p, self.training, self.scale_by_keep, generator=generator)

    def extra_repr(self) -> str:
        return f"p={self.p}, scale_by_keep={self.scale_by_keep}"


def drop_path_rates(depth: int, max_rate: float) -> list[float]:
    r"""The linear rule of stochastic depth: block :math:`i` of ``depth`` gets :math:`p_i = p_{\max}\, i/(L-1)`.

    The first block is never dropped and the last is dropped with ``max_rate``, as in DeiT and Swin
    (``torch.linspace(0, max_rate, depth)``); Huang et al. (2016) decay the survival probability linearly the
    same way.

    Args:
        depth: number of blocks, at least 1 (a single block gets 0.0).
        max_rate: the rate of the last block, in [0, 1].

    Returns:
        a list of ``depth`` floats.

    Example::

        >>> drop_path_rates(5, 0.2)
        [0.0, 0.05, 0.1, 0.15000000000000002, 0.2]
    """
    max_rate = check_rate(max_rate, "max_rate")
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        raise ValueError(f"depth must be a positive integer, but got {depth!r}")
    if depth == 1:
        return [0.0]
    return [max_rate * i / (depth - 1) for i in range(depth)]
