"""Concrete dropout: a dropout rate learned by gradient descent through a continuous relaxation of the mask.

Reference: Gal, Hron & Kendall (2017), "Concrete Dropout", NeurIPS; the authors' code (yaringal/ConcreteDropout)
fixes the temperature at 0.1, the initial rate at 0.1 and adds eps = 1e-7 inside the logarithms.
"""

import math

import torch
from torch import nn

from dropout_lib._checks import (check_broadcasts, check_flag, check_float_tensor, check_generator, check_positive,
                                 check_rate)

EPS = 1e-7


def _check_uniform(u, shape, layer):
    """``u`` must be uniform noise in [0, 1] (the ends included: ``torch.rand`` can draw 0, and ``eps`` keeps the
    logarithms finite there); outside it the logarithms give NaN."""
    check_float_tensor(u, "u")
    if shape is not None:
        check_broadcasts(u, shape, layer, "noise u")
    if not ((u >= 0) & (u <= 1)).all():
        raise ValueError(f"{layer} expects noise u in [0, 1], but got values from {u.min().item()} to "
                         f"{u.max().item()}")


def relaxed_drop_indicator(p: torch.Tensor, u: torch.Tensor, temperature: float = 0.1,
                           eps: float = EPS) -> torch.Tensor:
    r"""The Concrete relaxation of a Bernoulli(p) drop indicator.

    .. math::
        z = \sigma\!\left(\frac{\log(p+\epsilon) - \log(1-p+\epsilon)
                               + \log(u+\epsilon) - \log(1-u+\epsilon)}{t}\right), \qquad u \sim U(0, 1)

    :math:`z \in [0, 1]`, and :math:`z \ge 1/2` exactly when :math:`u \ge 1-p` (up to :math:`\epsilon`), so
    :math:`P(z \ge 1/2) = p` at every temperature; as :math:`t \to 0`, :math:`z \to \mathbb{1}[u > 1-p]`, a
    Bernoulli(p) variable.

    Args:
        p: the drop rate, a tensor in (0, 1).
        u: uniform noise in [0, 1], a tensor.
        temperature: :math:`t > 0`. Default: 0.1.
        eps: the constant inside the logarithms. Default: 1e-7.

    Example::

        >>> relaxed_drop_indicator(torch.tensor(0.5), torch.tensor([0.2, 0.5, 0.8]), temperature=1.0)  # z = u
        tensor([0.2000, 0.5000, 0.8000])
        >>> relaxed_drop_indicator(torch.tensor(0.5), torch.tensor([0.2, 0.5, 0.8]), temperature=0.01)
        tensor([0.0000, 0.5000, 1.0000])
    """
    _check_uniform(u, None, "relaxed_drop_indicator")
    return _relaxed(p, u, check_positive(temperature, "temperature"), eps)


def _relaxed(p, u, temperature, eps):
    logit = torch.log(p + eps) - torch.log(1 - p + eps) + torch.log(u + eps) - torch.log(1 - u + eps)
    return torch.sigmoid(logit / temperature)


def concrete_dropout(x: torch.Tensor, p_logit: torch.Tensor | float, temperature: float = 0.1, training: bool = True, *,
                     u: torch.Tensor | None = None, generator: torch.Generator | None = None,
                     eps: float = EPS) -> torch.Tensor:
    r"""Concrete dropout with drop rate :math:`p = \sigma(\text{p\_logit})`.

    .. math::
        y = \frac{x \odot (1 - z)}{1 - p}

    with :math:`z` the relaxed drop indicator of :func:`relaxed_drop_indicator`, one :math:`u \sim U(0,1)` per
    element. The output is differentiable in :math:`p`, so the rate can be learned. :math:`\mathbb{E}[y] = x`
    only as :math:`t \to 0`: at :math:`t = 0.1` and :math:`p = 0.3`, :math:`\mathbb{E}[1-z]/(1-p) \approx 0.998`.

    Args:
        x: input of any shape.
        p_logit: the logit of the drop rate, a scalar tensor (or a tensor broadcastable to ``x``, or a float).
            The rate must stay below 1: where :math:`\sigma` rounds it to 1 the division gives NaN.
        temperature: the relaxation's temperature :math:`t > 0`. Default: 0.1.
        training: apply dropout if ``True``; return ``x`` itself otherwise. Default: ``True``.
        u: uniform noise in [0, 1] broadcastable to ``x``; drawn afresh when ``None`` (fixing it makes the call
            deterministic).
        generator: a ``torch.Generator`` to draw ``u`` from; the global generator when ``None``.
        eps: the constant inside the logarithms. Default: 1e-7.

    Shape:
        Input: :math:`(*)`. Output: the same shape.

    Example::

        >>> y = concrete_dropout(torch.ones(4), torch.tensor(0.0), u=torch.tensor([0.1, 0.4, 0.6, 0.9]))
        >>> [round(v, 3) for v in y.tolist()]
        [2.0, 1.966, 0.034, 0.0]

    Reference: Gal, Hron & Kendall (2017), NeurIPS.
    """
    check_float_tensor(x)
    check_flag(training, "training")
    check_generator(generator)
    temperature = check_positive(temperature, "temperature")
    if isinstance(p_logit, torch.Tensor):
        check_broadcasts(check_float_tensor(p_logit, "p_logit"), x.shape, "concrete_dropout", "p_logit")
    elif isinstance(p_logit, bool) or not isinstance(p_logit, (int, float)):
        raise TypeError(f"p_logit must be a tensor or a real number, but got {type(p_logit).__name__}")
    if u is not None:
        _check_uniform(u, x.shape, "concrete_dropout")
    if not training:
        return x
    if not isinstance(p_logit, torch.Tensor):
        p_logit = torch.tensor(float(p_logit), dtype=x.dtype, device=x.device)
    p = torch.sigmoid(p_logit)
    if u is None:
        u = torch.rand(x.shape, dtype=x.dtype, device=x.device, generator=generator)
    z = _relaxed(p, u, temperature, eps)
    return x * (1 - z) / (1 - p)


class ConcreteDropout(nn.Module):
    r"""Dropout whose rate :math:`p = \sigma(\text{p\_logit})` is a learnable parameter.

    In training, :math:`y = x \odot (1 - z) / (1 - p)` with a relaxed Bernoulli(p) drop indicator :math:`z` per
    element (see :func:`concrete_dropout`); in evaluation mode, the identity. Add the :meth:`regularizer` of the
    layer that follows to the loss, or the rate simply goes to zero.

    Args:
        init_p: the initial drop rate, strictly between 0 and 1. Default: 0.1.
        temperature: the relaxation's temperature. Default: 0.1.

    Shape:
        Input: :math:`(*)`. Output: the same shape.

    Attributes:
        p_logit: the learnable logit of the drop rate, a scalar ``nn.Parameter``.

    Example::

        >>> layer = ConcreteDropout(init_p=0.2)
        >>> round(layer.p.item(), 6)
        0.2
        >>> layer(torch.randn(8, 16)).shape
        torch.Size([8, 16])

    Reference: Gal, Hron & Kendall (2017), NeurIPS.
    """

    is_dropout = True
    mask_shared_across_batch = False

    def __init__(self, init_p: float = 0.1, temperature: float = 0.1) -> None:
        super().__init__()
        init_p = check_rate(init_p, "init_p")
        if not 0.0 < init_p < 1.0:
            raise ValueError(f"init_p must be strictly between 0 and 1 to have a finite logit, but got {init_p}")
        self.temperature = check_positive(temperature, "temperature")
        self.p_logit = nn.Parameter(torch.tensor(math.log(init_p) - math.log(1.0 - init_p)))

    @property
    def p(self) -> torch.Tensor:
        r"""The current drop rate :math:`\sigma(\text{p\_logit})`, a differentiable scalar tensor."""
        return torch.sigmoid(self.p_logit)

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        return concrete_dropout(x, self.p_logit, self.temperature, self.training, generator=generator)

    def entropy(self) -> torch.Tensor:
        r"""The entropy of the Bernoulli(p) drop indicator, :math:`\mathcal{H}(p) = -(p\log p + (1-p)\log(1-p))`."""
        p = self.p
        return -(p * torch.log(p) + (1 - p) * torch.log(1 - p))

    def regularizer(self, weight_sq_sum: torch.Tensor, input_dim: int, weight_regularizer: float = 1e-6,
                    dropout_regularizer: float = 1e-5) -> torch.Tensor:
        r"""The KL term of Gal, Hron & Kendall (2017) for the layer that follows this dropout.

        .. math::
            \lambda_w \frac{\lVert W \rVert^2}{1-p} + \lambda_d\, K \bigl(p\log p + (1-p)\log(1-p)\bigr)
            = \lambda_w \frac{\lVert W \rVert^2}{1-p} - \lambda_d\, K\, \mathcal{H}(p)

        Args:
            weight_sq_sum: :math:`\lVert W \rVert^2`, the sum of the squared weights (and bias) of that layer.
            input_dim: :math:`K`, the number of features this dropout acts on (that layer's input dimension).
            weight_regularizer: :math:`\lambda_w = l^2/(\tau N)` for N training points. Default: 1e-6.
            dropout_regularizer: :math:`\lambda_d = 2/(\tau N)`. Default: 1e-5.

        Example::

            >>> layer = ConcreteDropout(init_p=0.5)
            >>> round(layer.regularizer(torch.tensor(1.0), 10, 1e-2, 1e-3).item(), 5)
            0.01307
        """
        return weight_regularizer * weight_sq_sum / (1 - self.p) - dropout_regularizer * input_dim * self.entropy()

    def extra_repr(self) -> str:
        return f"p={self.p.item():.4f}, temperature={self.temperature}"
