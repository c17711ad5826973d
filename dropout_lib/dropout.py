"""Inverted dropout in PyTorch: the plain function and its module.

Reference: Srivastava, Hinton, Krizhevsky, Sutskever & Salakhutdinov (2014), "Dropout: A Simple Way to Prevent
Neural Networks from Overfitting", JMLR 15. PyTorch's ``torch.nn.Dropout`` computes the same thing; this module
exists so that the course can show every step and test it against PyTorch bit for bit.
"""

from collections.abc import Sequence

import torch
from torch import nn

from dropout_lib._checks import check_call, check_flag, check_mask, check_rate


def keep_mask(shape: Sequence[int], p: float, *, like: torch.Tensor,
              generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Draw a keep mask :math:`m_i \sim \mathrm{Bernoulli}(1-p)` of the given shape.

    The mask has the dtype and device of ``like`` (ones for kept elements, zeros for dropped ones), the form in
    which PyTorch itself multiplies it into the input.

    Args:
        shape: shape of the mask (it broadcasts against the input).
        p: probability of dropping an element.
        like: a tensor whose dtype and device the mask takes.
        generator: a ``torch.Generator``; the global generator when ``None``.
    """
    return torch.empty(shape, dtype=like.dtype, device=like.device).bernoulli_(1.0 - p, generator=generator)


def apply_keep_mask(x, mask, p):
    r"""Return :math:`x \odot m / (1-p)` computed as PyTorch does, ``x * (m / (1 - p))``, so results agree to the last bit.

    ``p == 1`` gives zeros (every element is dropped; there is nothing to rescale).
    """
    if p == 1.0:
        return x * torch.zeros((), dtype=x.dtype, device=x.device)
    noise = mask.to(dtype=x.dtype, device=x.device) / (1.0 - p)
    return x * noise


def dropout(x: torch.Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *,
            mask: torch.Tensor | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Inverted dropout.

    .. math::
        y = \frac{x \odot m}{1 - p}, \qquad m_i \sim \mathrm{Bernoulli}(1 - p)

    so that :math:`\mathbb{E}[y] = x` and the network runs unchanged at inference, where :math:`y = x`.

    Args:
        x: input tensor of any shape.
        p: probability of an element to be zeroed. Default: 0.5.
        training: apply dropout if ``True``; return ``x`` unchanged otherwise. Default: ``True``.
        inplace: write the result into ``x``. Default: ``False``.
        mask: a keep mask (0/1 or bool) that broadcasts to ``x`` without enlarging it; drawn afresh when ``None``.
            Passing it makes the call deterministic, for tests and for the backward pass of explicit implementations.
        generator: a ``torch.Generator`` to draw the mask from; the global generator when ``None``.

    Shape:
        Input: :math:`(*)`. Output: :math:`(*)`, the same shape.

    Raises:
        TypeError: if ``x`` is not a floating-point tensor, ``training`` or ``inplace`` not a bool, ``p`` not a
            number, ``mask`` not a tensor or ``generator`` not a ``torch.Generator``. Unlike PyTorch, which
            returns an integer tensor unchanged in evaluation mode, this function refuses it in both modes.
        ValueError: if ``p`` is outside [0, 1], or ``mask`` holds values other than 0/1 or would enlarge ``x``.

    Example::

        >>> x = torch.ones(2, 4)
        >>> dropout(x, p=0.5, mask=torch.tensor([[1, 0, 1, 0], [0, 0, 1, 1]]))
        tensor([[2., 0., 2., 0.],
                [0., 0., 2., 2.]])
    """
    p = check_call(x, p, training, generator)
    check_flag(inplace, "inplace")
    if mask is not None:
        check_mask(mask, x.shape, "dropout")
    if not training or p == 0.0:
        return x
    if mask is None:
        mask = keep_mask(x.shape, p, like=x, generator=generator)
    y = apply_keep_mask(x, mask, p)
    if inplace:
        return x.copy_(y)
    return y


class Dropout(nn.Module):
    r"""Inverted dropout: during training, zero each element with probability ``p`` and scale the survivors by
    :math:`1/(1-p)`; in evaluation mode, the identity.

    .. math::
        y = \frac{x \odot m}{1 - p}, \qquad m_i \sim \mathrm{Bernoulli}(1 - p)

    Args:
        p: probability of an element to be zeroed. Default: 0.5.
        inplace: do the operation in place. Default: ``False``.

    Shape:
        Input: :math:`(*)`. Output: :math:`(*)`, the same shape.

    Example::

        >>> layer = Dropout(p=0.2)
        >>> layer(torch.randn(20, 16)).shape
        torch.Size([20, 16])

    Reference: Srivastava et al. (2014), JMLR 15, 1929–1958.
    """

    is_dropout = True
    mask_shared_across_batch = False

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p = check_rate(p)
        self.inplace = check_flag(inplace, "inplace")

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        return dropout(x, self.p, self.training, self.inplace, generator=generator)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
