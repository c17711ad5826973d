"""DropConnect: drop individual weights of a linear layer instead of its activations.

Reference: Wan, Zeiler, Zhang, LeCun & Fergus (2013), "Regularization of Neural Networks using DropConnect", ICML.
The paper draws a fresh mask over the weights AND the biases for each example: ``dropconnect_linear_per_example``.
Most code uses a cheaper approximation: one mask over the weight matrix per forward call, shared by the whole
batch, the bias kept (``dropconnect_linear``, ``DropConnectLinear``). Both are inverted here (kept entries scaled
by 1/(1-p)), so the plain layer is their mean at inference. (Wan et al. instead approximate inference by sampling
from a Gaussian moment-matched to the pre-activation.)
"""

import torch
import torch.nn.functional as F
from torch import nn

from dropout_lib._checks import check_call, check_float_tensor, check_mask, check_rate
from dropout_lib.dropout import apply_keep_mask, keep_mask


def dropconnect_weight(weight: torch.Tensor, p: float = 0.5, training: bool = True, *, mask: torch.Tensor | None = None,
                       generator: torch.Generator | None = None) -> torch.Tensor:
    r"""The weight with DropConnect applied: :math:`M \odot W / (1-p)`, :math:`M_{ij} \sim \mathrm{Bernoulli}(1-p)`.

    One mask for the whole weight, drawn afresh at every call unless ``mask`` is given. This is inverted dropout
    applied to the weight rather than to the activations; :class:`~dropout_lib.recurrent.WeightDrop` uses it too.

    Args:
        weight: a weight tensor of any shape.
        p: probability of a weight to be dropped. Default: 0.5.
        training: drop weights if ``True``; return ``weight`` itself otherwise. Default: ``True``.
        mask: a keep mask (bool or 0/1) broadcastable to ``weight``; drawn afresh when ``None``.
        generator: a ``torch.Generator`` to draw the mask from; the global generator when ``None``.

    Example::

        >>> dropconnect_weight(torch.ones(2, 2), p=0.5, mask=torch.tensor([[1, 0], [0, 1]]))
        tensor([[2., 0.],
                [0., 2.]])
    """
    p = check_call(weight, p, training, generator, name="weight")
    if mask is not None:
        check_mask(mask, weight.shape, "dropconnect_weight", meaning="the weight's shape")
    if not training or p == 0.0:
        return weight
    if mask is None:
        mask = keep_mask(weight.shape, p, like=weight, generator=generator)
    return apply_keep_mask(weight, mask, p)


def dropconnect_linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, p: float = 0.5,
                       training: bool = True, *, mask: torch.Tensor | None = None,
                       generator: torch.Generator | None = None) -> torch.Tensor:
    r"""A linear layer whose weights are dropped.

    .. math::
        y = x \left(\frac{M \odot W}{1-p}\right)^{\top} + b, \qquad M_{ij} \sim \mathrm{Bernoulli}(1-p)

    one mask :math:`M` per call, shared by every row of the batch; the bias is never dropped. This is the cheap
    approximation of Wan et al.'s per-example masks (:func:`dropconnect_linear_per_example`): one weight matrix per
    batch instead of one per example. With ``training=False`` (or ``p=0``) this is the plain layer
    :math:`y = xW^\top + b`, the mean of the training output over masks.

    Args:
        x: input of shape :math:`(*, H_{in})`.
        weight: weight of shape :math:`(H_{out}, H_{in})`.
        bias: bias of shape :math:`(H_{out})` or ``None``.
        p: probability of a weight to be dropped. Default: 0.5.
        training: drop weights if ``True``; the plain linear layer otherwise. Default: ``True``.
        mask: a keep mask broadcastable to ``weight``'s shape; drawn afresh when ``None``.
        generator: a ``torch.Generator`` to draw the mask from; the global generator when ``None``.

    Shape:
        Input: :math:`(*, H_{in})`. Output: :math:`(*, H_{out})`.

    Example::

        >>> w = torch.ones(2, 3)
        >>> dropconnect_linear(torch.ones(1, 3), w, p=0.5, mask=torch.tensor([[1, 1, 0], [0, 0, 0]]))
        tensor([[4., 0.]])
    """
    check_float_tensor(x)
    check_float_tensor(weight, "weight")
    _check_linear_shapes("dropconnect_linear", x, weight)
    weight = dropconnect_weight(weight, p, training, mask=mask, generator=generator)
    return F.linear(x, weight, bias)


def _check_linear_shapes(name: str, x: torch.Tensor, weight: torch.Tensor) -> None:
    if weight.ndim != 2:
        raise ValueError(f"{name} expects a 2-D weight (out, in), but got shape {tuple(weight.shape)}")
    if x.ndim < 1 or x.shape[-1] != weight.shape[1]:
        raise ValueError(f"{name} expects an input of shape (*, {weight.shape[1]}), but got shape {tuple(x.shape)}")


def dropconnect_linear_per_example(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                                   p: float = 0.5, training: bool = True, *,
                                   generator: torch.Generator | None = None) -> torch.Tensor:
    r"""DropConnect as Wan et al. (2013) define it: a fresh mask over the weights and the bias for every example.

    .. math::
        y_n = \frac{(M_n \odot W)\, x_n + m_n \odot b}{1-p}, \qquad
        M_{n,ij},\ m_{n,i} \sim \mathrm{Bernoulli}(1-p)

    independent across examples :math:`n`. Each example sees its own dropped weight matrix, so the call holds
    :math:`N \cdot H_{out} \cdot H_{in}` mask entries: the cost that makes :func:`dropconnect_linear`'s shared mask
    the usual approximation. The weight masks of all examples are drawn first, then the bias masks. With
    ``training=False`` (or ``p=0``) this is the plain layer, the mean of the training output over masks.

    Args:
        x: input of shape :math:`(*, H_{in})`; every leading index is one example.
        weight: weight of shape :math:`(H_{out}, H_{in})`.
        bias: bias of shape :math:`(H_{out})` or ``None``.
        p: probability of a weight (or bias entry) to be dropped. Default: 0.5.
        training: drop if ``True``; the plain linear layer otherwise. Default: ``True``.
        generator: a ``torch.Generator`` to draw the masks from; the global generator when ``None``.

    Shape:
        Input: :math:`(*, H_{in})`. Output: :math:`(*, H_{out})`.

    Example::

        >>> dropconnect_linear_per_example(torch.ones(4, 3), torch.ones(2, 3), torch.ones(2), p=0.0)
        tensor([[4., 4.],
                [4., 4.],
                [4., 4.],
                [4., 4.]])
    """
    p = check_call(x, p, training, generator)
    check_float_tensor(weight, "weight")
    _check_linear_shapes("dropconnect_linear_per_example", x, weight)
    if not training or p == 0.0:
        return F.linear(x, weight, bias)
    rows = x.reshape(-1, weight.shape[1])
    weights = dropconnect_weight(weight.expand(len(rows), *weight.shape), p, generator=generator)
    y = torch.einsum("noi,ni->no", weights, rows)
    if bias is not None:
        biases = bias.expand(len(rows), -1)
        y = y + apply_keep_mask(biases, keep_mask(biases.shape, p, like=biases, generator=generator), p)
    return y.reshape(*x.shape[:-1], weight.shape[0])


class DropConnectLinear(nn.Module):
    r"""A linear layer with DropConnect on its weight.

    In training, by default, one Bernoulli(1-p) keep mask :math:`M` over the weight per forward call, shared by
    the whole batch, kept weights scaled by :math:`1/(1-p)`, the bias never dropped (the cheap approximation):

    .. math::
        y = x \left(\frac{M \odot W}{1-p}\right)^{\top} + b

    With ``per_example=True``, Wan et al.'s own form: a fresh mask over the weights and the bias for every
    example (:func:`dropconnect_linear_per_example`), at the cost of one masked weight matrix per example.

    In evaluation mode the plain layer :math:`y = xW^\top + b`. Parameters are initialised exactly as
    ``torch.nn.Linear``'s, with the same random draws: under the same seed both layers start equal.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        p: probability of a weight to be dropped. Default: 0.5.
        bias: learn an additive bias (dropped only with ``per_example=True``). Default: ``True``.
        per_example: draw the masks per example, over weights and bias, as Wan et al. do. Default: ``False``.

    Shape:
        Input: :math:`(*, H_{in})`. Output: :math:`(*, H_{out})`.

    Attributes:
        weight: the learnable weight, :math:`(H_{out}, H_{in})`.
        bias: the learnable bias, :math:`(H_{out})`, or ``None``.

    Example::

        >>> DropConnectLinear(20, 30, p=0.5)(torch.randn(128, 20)).shape
        torch.Size([128, 30])

    Reference: Wan et al. (2013), ICML.
    """

    is_dropout = True
    mask_shared_across_batch = True

    def __init__(self, in_features: int, out_features: int, p: float = 0.5, bias: bool = True, *,
                 per_example: bool = False, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.p = check_rate(p)
        self.per_example = bool(per_example)
        self.mask_shared_across_batch = not self.per_example
        self.weight = nn.Parameter(torch.empty(out_features, in_features, device=device, dtype=dtype))
        self.bias = nn.Parameter(torch.empty(out_features, device=device, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # nn.Linear's own initialisation code, so that the random draws (and their order) are the same.
        nn.Linear.reset_parameters(self)

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        if self.per_example:
            return dropconnect_linear_per_example(x, self.weight, self.bias, self.p, self.training,
                                                  generator=generator)
        return dropconnect_linear(x, self.weight, self.bias, self.p, self.training, generator=generator)

    def extra_repr(self) -> str:
        per_example = ", per_example=True" if self.per_example else ""
        return (f"in_features={self.in_features}, out_features={self.out_features}, p={self.p}, "
                f"bias={self.bias is not None}{per_example}")
