"""Alpha dropout for self-normalizing (SELU) networks.

Reference: Klambauer, Unterthiner, Mayr & Hochreiter (2017), "Self-Normalizing Neural Networks", NeurIPS.
Zeroing a SELU activation would shift its mean and variance; alpha dropout instead sets dropped units to the
SELU's negative saturation value and applies an affine map that restores zero mean and unit variance.
"""

import math

import torch
from torch import nn

from dropout_lib._checks import check_call, check_flag, check_mask, check_min_ndim, check_rate
from dropout_lib.dropout import keep_mask

SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717
# The value a dropped unit takes, -lambda * alpha: the limit of SELU(x) as x -> -infinity.
ALPHA_PRIME = -SELU_LAMBDA * SELU_ALPHA


def alpha_dropout_coefficients(p: float) -> tuple[float, float]:
    r"""Return ``(a, b)`` of the affine map of alpha dropout with drop probability ``p``.

    .. math::
        a = \bigl((1-p)(1 + p\,\alpha'^2)\bigr)^{-1/2}, \qquad b = -a\,\alpha'\,p

    For an input with zero mean and unit variance, :math:`a(x m + \alpha'(1-m)) + b` again has zero mean and unit
    variance (Klambauer et al., 2017, eq. 12; they write q = 1 - p for the keep probability).
    """
    a = 1.0 / math.sqrt((ALPHA_PRIME**2 * p + 1.0) * (1.0 - p))
    return a, -a * ALPHA_PRIME * p


def _apply_alpha_mask(x, mask, p):
    if p == 1.0:
        return x * torch.zeros((), dtype=x.dtype, device=x.device)  # as PyTorch: all dropped gives zeros
    a, _ = alpha_dropout_coefficients(p)
    alpha = -ALPHA_PRIME
    noise = mask.to(dtype=x.dtype, device=x.device)
    # PyTorch's own order of operations (ATen Dropout.cpp), so that results agree to the last bit.
    b = (noise - 1).mul_(alpha * a).add_(alpha * a * p)
    return x * noise.mul(a) + b


def _alpha(x, p, training, inplace, feature, mask, generator):
    layer = "feature_alpha_dropout" if feature else "alpha_dropout"
    p = check_call(x, p, training, generator)
    check_flag(inplace, "inplace")
    if feature:
        check_min_ndim(x, 2, layer, "(N, C, *)")
    shape = (*x.shape[:2], *([1] * (x.ndim - 2))) if feature else x.shape
    if mask is not None:
        check_mask(mask, shape, layer, meaning="one value per sample and channel" if feature else "")
    if not training or p == 0.0:
        return x
    if mask is None:
        mask = keep_mask(shape, p, like=x, generator=generator)
    y = _apply_alpha_mask(x, mask, p)
    return x.copy_(y) if inplace else y


def alpha_dropout(x: torch.Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *,
                  mask: torch.Tensor | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Alpha dropout (Klambauer et al., 2017).

    .. math::
        y = a\bigl(x \odot m + \alpha'(1 - m)\bigr) + b, \qquad m_i \sim \mathrm{Bernoulli}(1-p),
        \qquad \alpha' = -\lambda\alpha \approx -1.7581

    with :math:`a, b` from :func:`alpha_dropout_coefficients`, which keep zero mean and unit variance.
    Unlike ``torch.nn.functional.alpha_dropout``, whose ``training`` defaults to ``False``, this function applies
    dropout by default, like every other function of this library.

    Args:
        x: input of any shape, ideally SELU activations (zero mean, unit variance).
        p: probability of an element to be dropped. Default: 0.5.
        training: apply alpha dropout if ``True``; identity otherwise. Default: ``True``.
        inplace: write the result into ``x``. Default: ``False``.
        mask: a keep mask of 0/1 broadcastable to ``x``; drawn afresh when ``None``.
        generator: a ``torch.Generator`` to draw the mask from; the global generator when ``None``.

    Shape:
        Input: :math:`(*)`. Output: the same shape.

    Example::

        >>> y = alpha_dropout(torch.zeros(3), p=0.5, mask=torch.tensor([1, 0, 1]))
        >>> [round(v, 4) for v in y.tolist()]
        [0.7792, -0.7792, 0.7792]
    """
    return _alpha(x, p, training, inplace, False, mask, generator)


def feature_alpha_dropout(x: torch.Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *,
                          mask: torch.Tensor | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Alpha dropout of whole channels: the mask has shape :math:`(N, C, 1, \ldots, 1)`.

    Same formula and arguments as :func:`alpha_dropout`; the input has shape :math:`(N, C, *)`, and a ``mask``
    must broadcast to :math:`(N, C, 1, \ldots, 1)` (a full-size mask is refused). ``training`` defaults to
    ``True``, unlike ``torch.nn.functional.feature_alpha_dropout``.
    """
    return _alpha(x, p, training, inplace, True, mask, generator)


class AlphaDropout(nn.Module):
    r"""Alpha dropout for SELU networks: dropped units take the value :math:`\alpha'`, then an affine map restores
    zero mean and unit variance. In evaluation mode, the identity.

    Args:
        p: probability of an element to be dropped. Default: 0.5.
        inplace: do the operation in place. Default: ``False``.

    Shape:
        Input: :math:`(*)`. Output: the same shape.

    Example::

        >>> AlphaDropout(p=0.1)(torch.randn(4, 8)).shape
        torch.Size([4, 8])

    Reference: Klambauer et al. (2017).
    """

    is_dropout = True
    mask_shared_across_batch = False

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p = check_rate(p)
        self.inplace = check_flag(inplace, "inplace")

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        return alpha_dropout(x, self.p, self.training, self.inplace, generator=generator)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class FeatureAlphaDropout(AlphaDropout):
    r"""Alpha dropout of whole channels of an :math:`(N, C, *)` input (see :func:`feature_alpha_dropout`).

    Args:
        p: probability of a channel to be dropped. Default: 0.5.
        inplace: do the operation in place. Default: ``False``.

    Example::

        >>> FeatureAlphaDropout(p=0.1)(torch.randn(4, 8, 5)).shape
        torch.Size([4, 8, 5])
    """

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        return feature_alpha_dropout(x, self.p, self.training, self.inplace, generator=generator)
