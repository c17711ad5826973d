"""Dropout for recurrent networks: one mask per sequence, shared across time.

References: Gal & Ghahramani (2016), "A Theoretically Grounded Application of Dropout in Recurrent Neural
Networks", NeurIPS (variational dropout: the same mask at every time step); Merity, Keskar & Socher (2018),
"Regularizing and Optimizing LSTM Language Models", ICLR (AWD-LSTM: ``LockedDropout`` between layers and
``WeightDrop``, DropConnect on the hidden-to-hidden weights). A fresh mask at every step, as ``nn.LSTM(dropout=)``
draws between layers, injects noise that the recurrence amplifies; a mask fixed over time does not.
"""

import warnings
from collections.abc import Sequence
from typing import Any

import torch
from torch import nn
from torch.func import functional_call

from dropout_lib._checks import check_call, check_flag, check_mask, check_ndim, check_rate
from dropout_lib.dropconnect import dropconnect_weight
from dropout_lib.dropout import apply_keep_mask, keep_mask


def locked_mask_shape(x: torch.Tensor, batch_first: bool = False) -> tuple[int, int, int]:
    """The mask shape ``(1, N, H)``, or ``(N, 1, H)`` when ``batch_first``: one mask per (sequence, feature)."""
    return (x.shape[0], 1, x.shape[2]) if batch_first else (1, x.shape[1], x.shape[2])


def locked_dropout(x: torch.Tensor, p: float = 0.5, training: bool = True, batch_first: bool = False, *,
                   mask: torch.Tensor | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Locked (variational) dropout: the same keep mask at every time step of a sequence.

    .. math::
        y_{t,n,h} = \frac{x_{t,n,h}\, m_{n,h}}{1-p}, \qquad m_{n,h} \sim \mathrm{Bernoulli}(1-p)

    Masks are independent across sequences :math:`n` and features :math:`h`.

    Args:
        x: a sequence batch, :math:`(T, N, H)`, or :math:`(N, T, H)` when ``batch_first``.
        p: probability of a (sequence, feature) to be zeroed. Default: 0.5.
        training: apply dropout if ``True``; return ``x`` itself otherwise. Default: ``True``.
        batch_first: the input is :math:`(N, T, H)`. Default: ``False`` (PyTorch's RNN layout).
        mask: a keep mask broadcastable to ``locked_mask_shape(x, batch_first)``, i.e. :math:`(1, N, H)` or
            :math:`(N, 1, H)`; drawn afresh when ``None``.
        generator: a ``torch.Generator`` to draw the mask from; the global generator when ``None``.

    Shape:
        Input: :math:`(T, N, H)` or :math:`(N, T, H)`. Output: the same shape.

    Example::

        >>> y = locked_dropout(torch.ones(5, 2, 3), p=0.5)
        >>> bool((y == y[0]).all())    # every time step has the same mask
        True
    """
    p = check_call(x, p, training, generator)
    check_flag(batch_first, "batch_first")
    check_ndim(x, 3, "locked_dropout (N, T, H)" if batch_first else "locked_dropout (T, N, H)")
    shape = locked_mask_shape(x, batch_first)
    if mask is not None:
        check_mask(mask, shape, "locked_dropout", meaning="one value per sequence and feature")
    if not training or p == 0.0:
        return x
    if mask is None:
        mask = keep_mask(shape, p, like=x, generator=generator)
    return apply_keep_mask(x, mask, p)


class LockedDropout(nn.Module):
    r"""Locked (variational) dropout between recurrent layers: one mask per (sequence, feature), the same at every
    time step, inverted scaling; the identity in evaluation mode.

    .. math::
        y_{t,n,h} = \frac{x_{t,n,h}\, m_{n,h}}{1-p}, \qquad m_{n,h} \sim \mathrm{Bernoulli}(1-p)

    Args:
        p: probability of a (sequence, feature) to be zeroed. Default: 0.5.
        batch_first: inputs are :math:`(N, T, H)` instead of :math:`(T, N, H)`. Default: ``False``.

    Shape:
        Input: :math:`(T, N, H)` or :math:`(N, T, H)`. Output: the same shape.

    Example::

        >>> LockedDropout(p=0.3)(torch.randn(35, 8, 64)).shape
        torch.Size([35, 8, 64])

    Reference: Gal & Ghahramani (2016), NeurIPS; Merity et al. (2018), ICLR.
    """

    is_dropout = True
    mask_shared_across_batch = False

    def __init__(self, p: float = 0.5, batch_first: bool = False) -> None:
        super().__init__()
        self.p = check_rate(p)
        self.batch_first = check_flag(batch_first, "batch_first")

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        return locked_dropout(x, self.p, self.training, self.batch_first, generator=generator)

    def extra_repr(self) -> str:
        return f"p={self.p}, batch_first={self.batch_first}"


class WeightDrop(nn.Module):
    r"""DropConnect on a recurrent module's weights (AWD-LSTM's weight drop).

    At every forward call in training, each named weight :math:`W` is replaced by :math:`M \odot W / (1-p)` with a
    fresh Bernoulli(1-p) mask :math:`M`, one per call and therefore the same at every time step of that call. The
    stored parameter itself is never changed and receives the gradient (the dropped weights are passed with
    ``torch.func.functional_call``). In evaluation mode the raw weights are used.

    Args:
        module: the wrapped module, e.g. ``nn.LSTM``, ``nn.GRU`` or ``nn.RNN``.
        weight_names: names of the parameters to drop. Default: ``("weight_hh_l0",)``, the hidden-to-hidden
            weights of the first layer.
        p: probability of a weight to be dropped. Default: 0.5.

    Shape:
        Those of the wrapped module. ``forward`` also takes ``masks`` (a dict from weight name to keep mask, to
        fix the masks) and ``generator`` as keyword arguments.

    Example::

        >>> rnn = WeightDrop(nn.LSTM(10, 20), p=0.5)
        >>> out, (h, c) = rnn(torch.randn(7, 3, 10))
        >>> out.shape
        torch.Size([7, 3, 20])

    Reference: Merity et al. (2018), ICLR; Wan et al. (2013), ICML.
    """

    is_dropout = True
    mask_shared_across_batch = True

    def __init__(self, module: nn.Module, weight_names: str | Sequence[str] = ("weight_hh_l0",),
                 p: float = 0.5) -> None:
        super().__init__()
        self.p = check_rate(p)
        self.module = module
        self.weight_names = (weight_names,) if isinstance(weight_names, str) else tuple(weight_names)
        if not self.weight_names:
            raise ValueError("WeightDrop needs at least one weight name")
        params = dict(module.named_parameters())
        for name in self.weight_names:
            if name not in params:
                raise ValueError(f"{type(module).__name__} has no parameter named {name!r}; it has "
                                 f"{', '.join(params)}")

    def dropped_weights(self, masks: dict[str, torch.Tensor] | None = None,
                        generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """The dropped, rescaled weights for one forward call, by name (``masks`` fixes them, for tests)."""
        if masks is not None and set(masks) != set(self.weight_names):
            raise ValueError(f"masks must have exactly the keys {list(self.weight_names)}, but got {list(masks)}")
        params = dict(self.module.named_parameters())
        return {name: dropconnect_weight(params[name], self.p, mask=None if masks is None else masks[name],
                                         generator=generator)
                for name in self.weight_names}

    def forward(self, *args: Any, masks: dict[str, torch.Tensor] | None = None,
                generator: torch.Generator | None = None, **kwargs: Any) -> Any:
        if not self.training or self.p == 0.0:
            return self.module(*args, **kwargs)
        weights = self.dropped_weights(masks, generator)
        with warnings.catch_warnings():
            # With cuDNN the dropped weights, new tensors at every call, must be packed into one buffer whatever
            # we do; the advice of this warning (call flatten_parameters) cannot apply to them.
            warnings.filterwarnings("ignore", message="RNN module weights are not part of single contiguous chunk")
            return functional_call(self.module, weights, args, kwargs)

    def extra_repr(self) -> str:
        return f"weight_names={self.weight_names}, p={self.p}"
