"""Spatial (channel) dropout: whole feature maps are kept or dropped together.

Reference: Tompson, Goroshin, Jain, LeCun & Bregler (2015), "Efficient Object Localization Using Convolutional
Networks", CVPR. Neighbouring pixels of a feature map are strongly correlated, so dropping single pixels barely
removes information; dropping the whole channel does.
"""

from torch import nn

from dropout_lib._checks import check_min_ndim, check_ndim, check_rate
from dropout_lib.dropout import apply_keep_mask
from dropout_lib.seeded import draw_seed, dropout_from_seed


def channel_mask_shape(x):
    """The shape ``(N, C, 1, ..., 1)`` of a spatial-dropout mask for an input of shape ``(N, C, *spatial)``."""
    return (*x.shape[:2], *([1] * (x.ndim - 2)))


def spatial_dropout(x, p=0.5, training=True, *, mask=None, generator=None, lean=False):
    r"""Spatial dropout: keep or drop each (sample, channel) feature map as a whole.

    .. math::
        y_{n,c,\ldots} = \frac{x_{n,c,\ldots}\, m_{n,c}}{1 - p}, \qquad m_{n,c} \sim \mathrm{Bernoulli}(1 - p)

    Args:
        x: input of shape :math:`(N, C, *)` with at least one spatial dimension.
        p: probability of a channel to be zeroed. Default: 0.5.
        training: apply dropout if ``True``; identity otherwise. Default: ``True``.
        mask: a keep mask of shape :math:`(N, C, 1, \ldots, 1)`; drawn afresh when ``None``.
        generator: a ``torch.Generator`` to draw the mask's seed from; the global generator when ``None``.
        lean: save only the mask's seed for backward and draw the mask again there (see
            :func:`dropout_lib.dropout.dropout`). Default: ``False``.

    Shape:
        Input: :math:`(N, C, *)`, at least 3-D. Output: the same shape.

    Example::

        >>> y = spatial_dropout(torch.ones(2, 3, 4, 4), p=0.5)
        >>> bool(((y == 0) | (y == 2)).all())    # every map is all zeros or all 2
        True
    """
    p = check_rate(p)
    check_min_ndim(x, 3, "spatial_dropout", "(N, C, *spatial)")
    if not training or p == 0.0:
        return x
    if mask is None:
        return dropout_from_seed(x, p, draw_seed(generator), channel_mask_shape(x), lean=lean)
    return apply_keep_mask(x, mask, p)


class _SpatialDropoutNd(nn.Module):
    is_dropout = True
    mask_shared_across_batch = False
    spatial_dims = None  # set by subclasses

    def __init__(self, p=0.5, *, lean=False):
        super().__init__()
        self.p = check_rate(p)
        self.lean = lean

    def forward(self, x, *, generator=None):
        layout = "(N, C, " + ", ".join("DHW"[3 - self.spatial_dims:]) + ")" if self.spatial_dims > 1 else "(N, C, L)"
        if x.ndim != self.spatial_dims + 2:
            raise ValueError(
                f"{type(self).__name__} expects a {self.spatial_dims + 2}-D input of shape {layout}, "
                f"but got a {x.ndim}-D input of shape {tuple(x.shape)}"
            )
        return spatial_dropout(x, self.p, self.training, generator=generator, lean=self.lean)

    def extra_repr(self):
        return f"p={self.p}"


class SpatialDropout1d(_SpatialDropoutNd):
    r"""Spatial dropout for sequences of feature vectors: each channel of each sample is kept or dropped whole.

    Args:
        p: probability of a channel to be zeroed. Default: 0.5.

    Shape:
        Input: :math:`(N, C, L)`. Output: the same shape. Unlike ``torch.nn.Dropout1d``, an unbatched
        :math:`(C, L)` input is refused: add the batch dimension explicitly.

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

    Shape:
        Input: :math:`(N, C, H, W)`. Output: the same shape. A 3-D input is refused (``torch.nn.Dropout2d``
        warns and treats it as 1-D channel dropout, which is rarely what was meant).

    Example::

        >>> SpatialDropout2d(p=0.2)(torch.randn(8, 16, 12, 12)).shape
        torch.Size([8, 16, 12, 12])

    Reference: Tompson et al. (2015).
    """

    spatial_dims = 2


class SpatialDropout3d(_SpatialDropoutNd):
    r"""Spatial dropout for volumes: each 3-D feature map of each sample is kept or dropped whole.

    Args:
        p: probability of a channel to be zeroed. Default: 0.5.

    Shape:
        Input: :math:`(N, C, D, H, W)`. Output: the same shape.

    Example::

        >>> SpatialDropout3d(p=0.2)(torch.randn(2, 4, 3, 5, 5)).shape
        torch.Size([2, 4, 3, 5, 5])

    Reference: Tompson et al. (2015).
    """

    spatial_dims = 3
