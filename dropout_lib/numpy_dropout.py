"""Dropout in NumPy, from scratch, with an explicit backward pass.

Two forms of the same idea. The original ("standard") form of Srivastava et al. (2014) multiplies by a Bernoulli
mask during training and scales by the keep probability :math:`1-p` at inference. The inverted form, used by every
modern framework, scales the survivors by :math:`1/(1-p)` during training, so that inference is the identity.
``p`` is the probability of dropping (Srivastava et al. write p for the probability of keeping).

Reference: Srivastava, Hinton, Krizhevsky, Sutskever & Salakhutdinov (2014), "Dropout: A Simple Way to Prevent
Neural Networks from Overfitting", JMLR 15, 1929-1958.
"""

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from dropout_lib._checks import check_rate


def _as_generator(rng):
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator or None, but got {type(rng).__name__}")
    return rng


def _as_real_array(x, what="x"):
    """``x`` as an array of floating point; integers and booleans become float64 (as NumPy's true division does)."""
    x = np.asarray(x)
    if x.dtype.kind in "biu":
        return x.astype(np.float64)
    if x.dtype.kind != "f":
        raise TypeError(f"{what} must be an array of real numbers, but got dtype {x.dtype}")
    return x


def _check_mask(mask, shape):
    mask = np.asarray(mask)
    try:
        fits = np.broadcast_shapes(mask.shape, shape) == tuple(shape)
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"the mask of shape {mask.shape} does not broadcast to the input's shape {tuple(shape)}")
    return mask


def keep_mask(shape: int | Sequence[int], p: float, rng: np.random.Generator | None = None) -> np.ndarray:
    r"""Draw a boolean keep mask: each entry is ``True`` (kept) with probability :math:`1-p`, independently.

    .. math::
        m_i \sim \mathrm{Bernoulli}(1 - p), \qquad m_i = [u_i \ge p],\ u_i \sim \mathcal{U}[0, 1)

    Args:
        shape: the mask's shape (an int or a tuple of ints).
        p: probability of dropping an entry. ``p = 0`` keeps everything, ``p = 1`` drops everything.
        rng: a ``numpy.random.Generator`` to draw from; a fresh ``np.random.default_rng()`` when ``None``.

    Returns:
        a ``bool`` array of the given shape.

    Example::

        >>> keep_mask((2, 3), 0.0).all(), keep_mask(4, 1.0).any()
        (np.True_, np.False_)
    """
    p = check_rate(p)
    return _as_generator(rng).random(shape) >= p


def inverted_dropout(x: ArrayLike, mask: ArrayLike, p: float) -> np.ndarray:
    r"""Inverted dropout with a given keep mask.

    .. math::
        y = x \odot \frac{m}{1 - p}

    computed in PyTorch's order, ``x * (m / (1 - p))`` with the scaled mask rounded to the dtype of ``x`` first, so
    that NumPy and PyTorch agree to the last bit given the same mask. ``p = 1`` gives zeros (no division by zero).

    Args:
        x: input array (float16/32/64 keep their dtype; integers and booleans are computed in float64).
        mask: keep mask (bool or 0/1), broadcastable to ``x``.
        p: probability of dropping, the rate the mask was drawn with.

    Shape:
        Input: :math:`(*)`. Mask: broadcastable to :math:`(*)`. Output: :math:`(*)`, the shape of ``x``.

    Example::

        >>> inverted_dropout(np.array([1.0, 2.0, 3.0, 4.0]), np.array([True, False, True, True]), 0.5)
        array([2., 0., 6., 8.])
    """
    p = check_rate(p)
    x = _as_real_array(x)
    mask = _check_mask(mask, x.shape)
    if p == 1.0:
        return np.zeros_like(x)
    # PyTorch divides a half-precision mask in float32 and rounds once; float32/float64 divide in their own dtype.
    compute = np.promote_types(x.dtype, np.float32)
    scale = (mask.astype(compute) / compute.type(1.0 - p)).astype(x.dtype)
    return x * scale


def inverted_dropout_backward(grad_output: ArrayLike, mask: ArrayLike, p: float) -> np.ndarray:
    r"""The gradient of :func:`inverted_dropout` with respect to its input.

    .. math::
        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} \odot \frac{m}{1 - p}

    The same mask and the same scale as the forward pass: :math:`y` is linear in :math:`x` for a fixed mask.

    Args:
        grad_output: :math:`\partial L/\partial y`.
        mask: the keep mask of the forward pass.
        p: the rate of the forward pass.

    Example::

        >>> inverted_dropout_backward(np.ones(3), np.array([True, False, True]), 0.75)
        array([4., 0., 4.])
    """
    return inverted_dropout(grad_output, mask, p)


def standard_dropout(x: ArrayLike, p: float, training: bool, rng: np.random.Generator | None = None) -> np.ndarray:
    r"""The original ("standard") dropout of Srivastava et al. (2014).

    .. math::
        \text{training: } y = x \odot m,\ m_i \sim \mathrm{Bernoulli}(1-p); \qquad
        \text{inference: } y = (1-p)\, x

    No rescaling in training; at inference the outputs are scaled by the keep probability :math:`1-p` (not by the
    drop rate p), so that they equal the training-time expectation :math:`\mathbb{E}[x \odot m] = (1-p)\,x`.

    Args:
        x: input array; not modified.
        p: probability of dropping an element.
        training: ``True`` draws a mask, ``False`` scales by :math:`1-p`.
        rng: a ``numpy.random.Generator``; a fresh ``np.random.default_rng()`` when ``None``.

    Shape:
        Input: :math:`(*)`. Output: :math:`(*)`, same shape and (floating) dtype.

    Example::

        >>> standard_dropout(np.ones(3), 0.25, training=False)
        array([0.75, 0.75, 0.75])
    """
    p = check_rate(p)
    x = _as_real_array(x)
    if not training:
        return x * x.dtype.type(1.0 - p)
    return x * keep_mask(x.shape, p, rng).astype(x.dtype)


class Dropout:
    r"""Inverted dropout in NumPy with an explicit backward pass.

    .. math::
        y = \frac{x \odot m}{1 - p}, \qquad m_i \sim \mathrm{Bernoulli}(1 - p), \qquad
        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} \odot \frac{m}{1 - p}

    During training every :meth:`forward` draws a new mask from :attr:`rng` and keeps it in :attr:`mask`;
    :meth:`backward` masks and scales the incoming gradient exactly as the last forward did (also if :attr:`p` was
    changed in between). When :attr:`training` is ``False``, forward and backward are the identity (they return
    a copy). ``p = 1`` gives zeros and zero gradients, without warnings. The input is never modified.

    Args:
        p: probability of an element to be zeroed. Default: 0.5.
        rng: a ``numpy.random.Generator`` to draw the masks from; a fresh ``np.random.default_rng()`` when ``None``.

    Attributes:
        p (float): the drop probability. rng: the generator. training (bool): ``True`` after construction.
        mask (numpy.ndarray or None): the boolean keep mask of the last training-mode forward.

    Shape:
        Input: :math:`(*)`. Output: :math:`(*)`, same shape and dtype (float16/32/64; integers become float64).

    Example::

        >>> layer = Dropout(p=0.5, rng=np.random.default_rng(0))
        >>> y = layer.forward(np.ones((2, 4), dtype=np.float32))
        >>> y.dtype, bool(np.array_equal(y, 2 * layer.mask))
        (dtype('float32'), True)
        >>> layer.backward(np.ones((2, 4))).tolist() == y.tolist()
        True

    Reference: Srivastava et al. (2014), JMLR 15.
    """

    def __init__(self, p: float = 0.5, rng: np.random.Generator | None = None) -> None:
        self.p = check_rate(p)
        self.rng = _as_generator(rng)
        self.training = True
        self.mask = None
        self._mask_rate = None  # the rate the last mask was drawn and scaled with

    def _sample_mask(self, shape):
        self.mask = keep_mask(shape, self.p, self.rng)
        self._mask_rate = self.p

    def _check_backward(self, grad_output):
        if self.mask is None:
            raise RuntimeError("backward called before forward: there is no mask to apply")
        if grad_output.shape != self.mask.shape:
            raise ValueError(f"grad_output has shape {grad_output.shape}, but the last forward's mask has shape "
                             f"{self.mask.shape}")

    def forward(self, x: ArrayLike) -> np.ndarray:
        """Drop and rescale ``x`` with a new mask (training) or return a copy of it (evaluation)."""
        x = _as_real_array(x)
        if not self.training:
            return x.copy()
        self._sample_mask(x.shape)
        return inverted_dropout(x, self.mask, self._mask_rate)

    def backward(self, grad_output: ArrayLike) -> np.ndarray:
        """The gradient with respect to the input of the last :meth:`forward`, given ``grad_output``."""
        grad_output = _as_real_array(grad_output, "grad_output")
        if not self.training:
            return grad_output.copy()
        self._check_backward(grad_output)
        return inverted_dropout_backward(grad_output, self.mask, self._mask_rate)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p}, training={self.training})"


class StandardDropout(Dropout):
    r"""The original form of dropout, with an explicit backward pass (see :func:`standard_dropout`).

    .. math::
        \text{training: } y = x \odot m,\ \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} \odot m;
        \qquad \text{inference: } y = (1-p)\,x,\ \frac{\partial L}{\partial x} = (1-p)\frac{\partial L}{\partial y}

    Args:
        p: probability of an element to be zeroed. Default: 0.5.
        rng: a ``numpy.random.Generator``; a fresh ``np.random.default_rng()`` when ``None``.

    Shape:
        Input: :math:`(*)`. Output: :math:`(*)`, same shape and dtype.

    Example::

        >>> layer = StandardDropout(p=0.25)
        >>> layer.training = False
        >>> layer.forward(np.ones(2))
        array([0.75, 0.75])

    Reference: Srivastava et al. (2014), JMLR 15, section 10 (the inference rule "scale the weights by p").
    """

    def forward(self, x: ArrayLike) -> np.ndarray:
        """Multiply ``x`` by a new keep mask (training) or by :math:`1-p` (evaluation)."""
        x = _as_real_array(x)
        if not self.training:
            return standard_dropout(x, self.p, training=False)
        self._sample_mask(x.shape)
        return x * self.mask.astype(x.dtype)

    def backward(self, grad_output: ArrayLike) -> np.ndarray:
        """The gradient with respect to the input of the last :meth:`forward`, given ``grad_output``."""
        grad_output = _as_real_array(grad_output, "grad_output")
        if not self.training:
            return standard_dropout(grad_output, self.p, training=False)
        self._check_backward(grad_output)
        return grad_output * self.mask.astype(grad_output.dtype)
