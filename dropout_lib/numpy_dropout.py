"""Dropout in NumPy, from scratch, with an explicit backward pass.

Reference: Srivastava et al. (2014), JMLR 15 (the original, "standard" form, which scales by the keep probability
at inference) and the inverted form used by every modern framework, which scales survivors by 1/(1-p) during
training so that inference is the identity.
"""

import numpy as np

from dropout_lib._checks import check_rate


def keep_mask(shape, p, rng=None):
    r"""A boolean keep mask, each entry True with probability :math:`1-p`, drawn from ``rng``.

    Args:
        shape: the mask's shape.
        p: the probability of dropping an entry.
        rng: a ``numpy.random.Generator``; a new ``np.random.default_rng()`` when ``None``.
    """
    p = check_rate(p)
    rng = np.random.default_rng() if rng is None else rng
    return rng.random(shape) >= p


def inverted_dropout(x, mask, p):
    r"""Inverted dropout given its keep mask: :math:`y = x \odot m / (1-p)`, computed as ``x * (m / (1 - p))``.

    The order of operations is PyTorch's, so the NumPy and PyTorch versions agree to the last bit. ``p == 1``
    gives zeros. The result has the dtype of ``x``.
    """
    x = np.asarray(x)
    if p == 1.0:
        return np.zeros_like(x)
    if not np.issubdtype(x.dtype, np.floating):
        return x * (mask / (1.0 - p))
    # PyTorch computes the scale of a half-precision mask in float32 and rounds once; so do we.
    compute = np.promote_types(x.dtype, np.float32)
    scale = (mask.astype(compute) / compute.type(1.0 - p)).astype(x.dtype)
    return x * scale


def inverted_dropout_backward(grad_output, mask, p):
    r"""The gradient of :func:`inverted_dropout` with respect to its input: :math:`\partial L/\partial x =
    \partial L/\partial y \odot m/(1-p)`, the same mask and the same scale as the forward pass."""
    return inverted_dropout(grad_output, mask, p)


def standard_dropout(x, p, training, rng=None):
    r"""The original ("standard") dropout of Srivastava et al. (2014).

    .. math::
        \text{training: } y = x \odot m,\ m_i \sim \mathrm{Bernoulli}(1-p); \qquad
        \text{inference: } y = (1-p)\, x

    No rescaling in training; at inference the outputs are scaled by the keep probability :math:`1-p` (not by
    the drop rate p), so that they match the training-time expectation.

    Args:
        x: input array.
        p: probability of dropping an element.
        training: training (mask) or inference (scale) behaviour.
        rng: a ``numpy.random.Generator``; a new default generator when ``None``.

    Example::

        >>> standard_dropout(np.ones(3), 0.25, training=False)
        array([0.75, 0.75, 0.75])
    """
    p = check_rate(p)
    x = np.asarray(x)
    if not training:
        return x * x.dtype.type(1.0 - p) if np.issubdtype(x.dtype, np.floating) else x * (1.0 - p)
    return x * keep_mask(x.shape, p, rng).astype(x.dtype)


class Dropout:
    r"""Inverted dropout in NumPy with an explicit backward pass.

    Training: each element is zeroed independently with probability ``p`` and survivors are multiplied by
    :math:`1/(1-p)`; a new mask on every :meth:`forward`, drawn from :attr:`rng`. :meth:`backward` masks and
    scales the incoming gradient exactly as the last forward did. When :attr:`training` is False, both are the
    identity.

    Args:
        p: probability of an element to be zeroed. Default: 0.5.
        rng: a ``numpy.random.Generator``; a new ``np.random.default_rng()`` when ``None``.

    Attributes:
        p, rng, training (True after construction), mask (the last forward's keep mask, or None).

    Shape:
        Input: any shape. Output: the same shape and dtype.

    Example::

        >>> layer = Dropout(p=0.5, rng=np.random.default_rng(0))
        >>> y = layer.forward(np.ones((2, 3)))
        >>> sorted(set(y.ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
        True
    """

    def __init__(self, p=0.5, rng=None):
        self.p = check_rate(p)
        self.rng = np.random.default_rng() if rng is None else rng
        self.training = True
        self.mask = None

    def forward(self, x):
        x = np.asarray(x)
        if not self.training:
            return x.copy()
        self.mask = keep_mask(x.shape, self.p, self.rng)
        return inverted_dropout(x, self.mask, self.p)

    def backward(self, grad_output):
        grad_output = np.asarray(grad_output)
        if not self.training:
            return grad_output.copy()
        if self.mask is None:
            raise RuntimeError("backward called before forward: there is no mask to apply")
        if grad_output.shape != self.mask.shape:
            raise ValueError(f"grad_output has shape {grad_output.shape}, but the last forward's mask has shape {self.mask.shape}")
        return inverted_dropout_backward(grad_output, self.mask, self.p)

    def __repr__(self):
        return f"Dropout(p={self.p}, training={self.training})"


class StandardDropout(Dropout):
    r"""The original form: training multiplies by a Bernoulli(1-p) keep mask without rescaling; inference multiplies
    by :math:`1-p` (see :func:`standard_dropout`). Backward applies the same factor as the last forward."""

    def forward(self, x):
        x = np.asarray(x)
        if not self.training:
            return standard_dropout(x, self.p, training=False)
        self.mask = keep_mask(x.shape, self.p, self.rng)
        return x * self.mask.astype(x.dtype)

    def backward(self, grad_output):
        grad_output = np.asarray(grad_output)
        if not self.training:
            return standard_dropout(grad_output, self.p, training=False)
        if self.mask is None:
            raise RuntimeError("backward called before forward: there is no mask to apply")
        return grad_output * self.mask.astype(grad_output.dtype)

    def __repr__(self):
        return f"StandardDropout(p={self.p}, training={self.training})"
