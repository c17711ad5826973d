"""Spatial (channel) dropout: whole feature maps are kept or dropped together.

Reference: Tompson, Goroshin, Jain, LeCun & Bregler (2015), "Efficient Object Localization Using Convolutional
Networks", CVPR. Neighbouring pixels of a feature map are strongly correlated, so dropping single pixels barely
removes information; dropping the whole channel does.
"""

import torch
from torch import nn

from dropout_lib._checks import check_call, check_flag, check_float_tensor, check_mask, check_min_ndim, check_rate
from dropout_lib.dropout import apply_keep_mask, keep_mask


def channel_mask_shape(x: torch.Tensor) -> tuple[int, ...]:
    """The shape ``(N, C, 1, ..., 1)`` of a spatial-dropout mask for an input of shape ``(N, C, *spatial)``."""
    return (*x.shape[:2], *([1] * (x.ndim - 2)))


def spatial_dropout(x: torch.Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *,
                    mask: torch.Tensor | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Spatial dropout: keep or drop each (sample, channel) feature map as a whole.

    .. math::
        y_{n,c,\ldots} = \frac{x_{n,c,\ldots}\, m_{n,c}}{1 - p}, \qquad m_{n,c} \sim \mathrm{Bernoulli}(1 - p)

    Args:
        x: input of shape :math:`(N, C, *)` with at least one spatial dimension.
        p: probability of a channel to be zeroed. Default: 0.5.
        training: apply dropout if ``True``; identity otherwise. Default: ``True``.
        inplace: write the result into ``x``. Default: ``False``.
        mask: a keep mask of 0/1 broadcastable to :math:`(N, C, 1, \ldots, 1)`, one value per sample and channel
            (a full-size mask, which would drop single elements, is refused); drawn afresh when ``None``.
        generator: a ``torch.Generator`` to draw the mask from; the global generator when ``None``.

    Shape:
        Input: :math:`(N, C, *)`, at least 3-D. Output: the same shape.

    Example::

        >>> y = spatial_dropout(torch.ones(2, 3, 4, 4), p=0.5)
        >>> bool(((y == 0) | (y == 2)).all())    # every map is all zeros or all 2
        True
    """
    p = check_call(x, p, training, generator)
    check_flag(inplace, "inplace")
    check_min_ndim(x, 3, "spatial_dropout", "(N, C, *spatial)")
    if mask is not None:
        check_mask(mask, channel_mask_shape(x), "spatial_dropout", meaning="one value per sample and channel")
    if not training or p == 0.0:
        return x
    if mask is None:
        mask = keep_mask(channel_mask_shape(x), p, like=x, generator=generator)
    y = apply_keep_mask(x, mask, p)
    return x.copy_(y) if inplace else y


class _SpatialDropoutNd(nn.Module):
    is_dropout = True
    mask_shared_across_batch = False
    spatial_dims = None  # set by subclasses
    accepts_unbatched = True  # an input without the batch dimension, (C, *spatial), is one sample

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p = check_rate(p)
        self.inplace = check_flag(inplace, "inplace")

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        spatial = "L" if self.spatial_dims == 1 else ", ".join("DHW"[3 - self.spatial_dims:])
        batched = self.spatial_dims + 2
        check_float_tensor(x)
        if self.accepts_unbatched and x.ndim == batched - 1:
            # the same mask values as the batched call on x.unsqueeze(0) under the same random state
            return self(x.unsqueeze(0), generator=generator).squeeze(0)
        if x.ndim != batched:
            wanted = f"a {batched - 1}-D or {batched}-D input of shape (C, {spatial}) or " if self.accepts_unbatched \
                else f"a {batched}-D input of shape "
            raise ValueError(f"{type(self).__name__} expects {wanted}(N, C, {spatial}), but got a {x.ndim}-D input "
                             f"of shape {tuple(x.shape)}")
        return spatial_dropout(x, self.p, self.training, self.inplace, generator=generator)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class SpatialDropout1d(_SpatialDropoutNd):
    r"""Spatial dropout for sequences of feature vectors: each channel of each sample is kept or dropped whole.

    Args:
        p: probability of a channel to be zeroed. Default: 0.5.
        inplace: do the operation in place. Default: ``False``.

    Shape:
        Input: :math:`(N, C, L)` or :math:`(C, L)`. Output: the same shape. As ``torch.nn.Dropout1d``.

    Example::

        >>> SpatialDropout1d(p=0.2)(torch.randn(8, 16, 50)).shape
        torch.Size([8, 16, 50])

    Reference: Tompson et al. (2015).
    """

    spatial_dims = 1


class SpatialDropout2d(_SpatialDropoutNd):
    r"""Spatial dropout for images: each feature map of each sample is kept or dropped whole.

    Args:
        p: probability of a channel to be zeroed. Default: 0.5.
        inplace: do the operation in place. Default: ``False``.

    Shape:
        Input: :math:`(N, C, H, W)`. Output: the same shape. Differs from ``torch.nn.Dropout2d``: a 3-D input is
        refused, where PyTorch warns and treats it as batched 1-D channel dropout :math:`(N, C, L)`, not as the
        unbatched image :math:`(C, H, W)` it usually is (pytorch issue #77081); 2-D and 5-D inputs, on which
        PyTorch warns, are refused as well.

    Example::

        >>> SpatialDropout2d(p=0.2)(torch.randn(8, 16, 12, 12)).shape
        torch.Size([8, 16, 12, 12])

    Reference: Tompson et al. (2015).
    """

    spatial_dims = 2
    accepts_unbatched = False


class SpatialDropout3d(_SpatialDropoutNd):
    r"""Spatial dropout for volumes: each 3-D feature map of each sample is kept or dropped whole.

    Args:
        p: probability of a channel to be zeroed. Default: 0.5.
        inplace: do the operation in place. Default: ``False``.

    Shape:
        Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`. Output: the same shape. As
        ``torch.nn.Dropout3d``, except that a 3-D or 6-D input, on which PyTorch warns, is refused.

    Example::

        >>> SpatialDropout3d(p=0.2)(torch.randn(2, 4, 3, 5, 5)).shape
        torch.Size([2, 4, 3, 5, 5])

    Reference: Tompson et al. (2015).
    """

    spatial_dims = 3
