"""Concrete dropout: a dropout rate learned by gradient descent through a continuous relaxation of the mask.

Reference: Gal, Hron & Kendall (2017), "Concrete Dropout", NeurIPS; the authors' code (yaringal/ConcreteDropout)
fixes the temperature at 0.1, the initial rate at 0.1 and adds eps = 1e-7 inside the logarithms.
"""

import math

import torch
from torch import nn

from dropout_lib._checks import check_rate

EPS = 1e-7


def relaxed_drop_indicator(p, u, temperature=0.1, eps=EPS):
    r"""The Concrete relaxation of a Bernoulli(p) drop indicator.

    .. math::
        z = \sigma\!\left(\frac{\log(p+\epsilon) - \log(1-p+\epsilon) + \log(u+\epsilon) - \log(1-u+\epsilon)}{t}\right),
        \qquad u \sim U(0, 1)

    As :math:`t \to 0`, :math:`z \to \mathbb{1}[u > 1-p]`, which is 1 with probability p.
    """
    logit = torch.log(p + eps) - torch.log(1 - p + eps) + torch.log(u + eps) - torch.log(1 - u + eps)
    return torch.sigmoid(logit / temperature)


def concrete_dropout(x, p_logit, temperature=0.1, training=True, *, u=None, generator=None, eps=EPS):
    r"""Concrete dropout with drop rate :math:`p = \sigma(\text{p\_logit})`.

    .. math::
        y = \frac{x \odot (1 - z)}{1 - p}

    with :math:`z` from :func:`relaxed_drop_indicator`, one :math:`u \sim U(0,1)` per element. The output is
    differentiable in :math:`p`, so the rate can be learned.

    Args:
        x: input of any shape.
        p_logit: a scalar tensor, the logit of the drop rate.
        temperature: the relaxation's temperature :math:`t > 0`. Default: 0.1.
        training: apply dropout if ``True``; identity otherwise. Default: ``True``.
        u: uniform noise broadcastable to ``x``; drawn afresh when ``None`` (fixing it makes the call
            deterministic).
        generator: a ``torch.Generator`` to draw ``u`` from; the global generator when ``None``.
        eps: the constant inside the logarithms. Default: 1e-7.

    Shape:
        Input: :math:`(*)`. Output: the same shape.

    Example::

        >>> y = concrete_dropout(torch.ones(4), torch.tensor(0.0), u=torch.tensor([0.1, 0.4, 0.6, 0.9]))
        >>> [round(v, 3) for v in y.tolist()]
        [2.0, 1.966, 0.034, 0.0]
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, but got {temperature}")
    if not training:
        return x
    p = torch.sigmoid(p_logit)
    if u is None:
        u = torch.rand(x.shape, dtype=x.dtype, device=x.device, generator=generator)
    z = relaxed_drop_indicator(p, u, temperature, eps)
    return x * (1 - z) / (1 - p)


class ConcreteDropout(nn.Module):
    r"""Dropout whose rate :math:`p = \sigma(\text{p\_logit})` is a learnable parameter (Gal, Hron & Kendall, 2017).

    In training, see :func:`concrete_dropout`; in evaluation mode, the identity. Add :meth:`regularizer` of the
    layer that follows to the loss so that the rate does not simply go to zero.

    Args:
        init_p: the initial drop rate, in (0, 1). Default: 0.1.
        temperature: the relaxation's temperature. Default: 0.1.

    Shape:
        Input: :math:`(*)`. Output: the same shape.

    Example::

        >>> layer = ConcreteDropout(init_p=0.2)
        >>> round(layer.p.item(), 6)
        0.2
    """

    is_dropout = True
    mask_shared_across_batch = False

    def __init__(self, init_p=0.1, temperature=0.1):
        super().__init__()
        init_p = check_rate(init_p, "init_p")
        if not 0.0 < init_p < 1.0:
            raise ValueError(f"init_p must be strictly between 0 and 1 to have a finite logit, but got {init_p}")
        if temperature <= 0:
            raise ValueError(f"temperature must be positive, but got {temperature}")
        self.temperature = float(temperature)
        self.p_logit = nn.Parameter(torch.tensor(math.log(init_p) - math.log(1.0 - init_p)))

    @property
    def p(self):
        """The current drop rate, :math:`\\sigma(\\text{p\\_logit})`, as a tensor (differentiable)."""
        return torch.sigmoid(self.p_logit)

    def forward(self, x, *, generator=None):
        return concrete_dropout(x, self.p_logit, self.temperature, self.training, generator=generator)

    def entropy(self):
        r"""The entropy of the Bernoulli(p) drop indicator, :math:`-(p\log p + (1-p)\log(1-p))`."""
        p = self.p
        return -(p * torch.log(p) + (1 - p) * torch.log(1 - p))

    def regularizer(self, weight_sq_sum, input_dim, weight_regularizer=1e-6, dropout_regularizer=1e-5):
        r"""The KL term of Gal, Hron & Kendall (2017) for the layer that follows this dropout.

        .. math::
            \lambda_w \frac{\lVert W \rVert^2}{1-p} - \lambda_d\, K\, \mathcal{H}(p)

        where :math:`K` is the input dimension of that layer and :math:`\mathcal{H}` is :meth:`entropy`. The
        authors set :math:`\lambda_w = l^2/(\tau N)` and :math:`\lambda_d = 2/(\tau N)` for N training points.
        """
        return weight_regularizer * weight_sq_sum / (1 - self.p) - dropout_regularizer * input_dim * self.entropy()

    def extra_repr(self):
        return f"p={self.p.item():.4f}, temperature={self.temperature}"
