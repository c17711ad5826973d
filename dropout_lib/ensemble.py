r"""Dropout as an ensemble: every thinned network of a one-hidden-layer net, enumerated exactly.

The network: :math:`h = \mathrm{relu}(xW_1 + b_1)` with :math:`H` hidden units. The member of mask
:math:`m \in \{0,1\}^H` keeps the hidden units where :math:`m_j = 1` (the original, unscaled form :math:`h \odot m`)
and outputs :math:`\mathrm{softmax}(z_m)`, :math:`z_m = (h \odot m) W_2 + b_2`. Under dropout with drop probability
p, mask m has probability :math:`\pi(m) = (1-p)^{|m|} p^{H-|m|}`, :math:`|m|` the number of kept units.

References: Srivastava et al. (2014), JMLR 15 (dropout as averaging :math:`2^H` thinned networks, the
weight-scaling rule); Baldi & Sadowski (2013), "Understanding Dropout", NeurIPS (the normalized weighted geometric
mean, exact for a softmax fed linearly by the dropped units).
"""

import operator

import numpy as np
from numpy.typing import ArrayLike

from dropout_lib._checks import check_rate
from dropout_lib.numpy_dropout import _as_generator

MAX_HIDDEN = 14  # 2**14 = 16,384 members: the limit of exact enumeration
_CHUNK = 1024  # members evaluated at once, to bound memory by about _CHUNK * N * max(H, K) floats


def all_masks(H: int) -> np.ndarray:
    r"""Every keep mask of ``H`` hidden units.

    Args:
        H: the number of hidden units, :math:`0 \le H \le 14`.

    Returns:
        a ``(2**H, H)`` float array of 0/1; row k is the binary expansion of k (least significant bit first), so
        row 0 drops every unit and the last row keeps every unit.

    Example::

        >>> all_masks(2)
        array([[0., 0.],
               [1., 0.],
               [0., 1.],
               [1., 1.]])
    """
    if isinstance(H, bool) or not isinstance(H, (int, np.integer)) or not 0 <= H <= MAX_HIDDEN:
        raise ValueError(f"exact enumeration needs 0 <= H <= {MAX_HIDDEN} hidden units, but got {H!r}")
    return ((np.arange(2**H)[:, None] >> np.arange(H)[None, :]) & 1).astype(np.float64)


def mask_probabilities(masks: ArrayLike, p: float) -> np.ndarray:
    r"""The probability of each mask under dropout with drop probability ``p``.

    .. math::
        \pi(m) = (1-p)^{|m|}\, p^{H-|m|}, \qquad \sum_{m \in \{0,1\}^H} \pi(m) = ((1-p) + p)^H = 1

    Args:
        masks: a ``(M, H)`` array of 0/1 masks (for instance :func:`all_masks`).
        p: probability of dropping a unit.

    Returns:
        a ``(M,)`` array (``0**0 = 1``, so ``p = 0`` and ``p = 1`` put all the mass on one mask).

    Example::

        >>> mask_probabilities(all_masks(2), 0.25)
        array([0.0625, 0.1875, 0.1875, 0.5625])
    """
    p = check_rate(p)
    masks = np.asarray(masks, dtype=np.float64)
    if masks.ndim != 2:
        raise ValueError(f"masks must be a 2-D array (M, H), but got shape {masks.shape}")
    kept = masks.sum(axis=1)
    return (1.0 - p) ** kept * p ** (masks.shape[1] - kept)


def _softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _hidden(W1, b1, W2, b2, x, enumerated):
    """Check the network's shapes and return its hidden activations ``(N, H)``."""
    W1, b1, W2, b2, x = (np.asarray(a, dtype=np.float64) for a in (W1, b1, W2, b2, x))
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D array (N, D), but got shape {x.shape}")
    if W1.ndim != 2 or W2.ndim != 2 or W1.shape[0] != x.shape[1] or W2.shape[0] != W1.shape[1] \
            or b1.shape != W1.shape[1:] or b2.shape != W2.shape[1:]:
        raise ValueError(f"the network needs W1 (D, H), b1 (H,), W2 (H, K), b2 (K,) with D = {x.shape[1]}, but got "
                         f"W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}")
    if enumerated and W1.shape[1] > MAX_HIDDEN:
        raise ValueError(f"exact enumeration needs H <= {MAX_HIDDEN} hidden units, but W1 has {W1.shape[1]}")
    return np.maximum(x @ W1 + b1, 0.0), W2, b2


def _masked_logits(h, masks, W2, b2):
    """``(M, N, K)`` logits of the members with ``masks`` (M, H): one batched matrix product, not an einsum."""
    return (h[None, :, :] * masks[:, None, :]) @ W2 + b2


def member_logits(W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, x: ArrayLike,
                  masks: ArrayLike) -> np.ndarray:
    r"""The logits :math:`z_m = (h \odot m) W_2 + b_2` of the members with the given masks.

    Returns:
        an ``(M, N, K)`` array for ``masks`` of shape ``(M, H)`` and ``x`` of shape ``(N, D)``.

    Example::

        >>> W1, b1, W2, b2 = np.eye(2), np.zeros(2), np.eye(2), np.zeros(2)
        >>> member_logits(W1, b1, W2, b2, np.array([[1.0, 2.0]]), all_masks(2))[:, 0]
        array([[0., 0.],
               [1., 0.],
               [0., 2.],
               [1., 2.]])
    """
    h, W2, b2 = _hidden(W1, b1, W2, b2, x, enumerated=False)
    return _masked_logits(h, np.asarray(masks, dtype=np.float64), W2, b2)


def member_probabilities(W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, x: ArrayLike,
                         masks: ArrayLike) -> np.ndarray:
    r"""The softmax outputs :math:`\mathrm{softmax}(z_m)` of the members with the given masks, ``(M, N, K)``.

    Example::

        >>> W1, b1, W2, b2 = np.eye(2), np.zeros(2), np.eye(2), np.zeros(2)
        >>> member_probabilities(W1, b1, W2, b2, np.array([[1.0, 2.0]]), all_masks(2))[0]
        array([[0.5, 0.5]])
    """
    return _softmax(member_logits(W1, b1, W2, b2, x, masks))


def _weighted_sum_over_members(W1, b1, W2, b2, x, p, transform):
    """:math:`\\sum_m \\pi(m)\\, \\mathrm{transform}(z_m)` over all masks, a chunk of members at a time."""
    h, W2, b2 = _hidden(W1, b1, W2, b2, x, enumerated=True)
    masks = all_masks(h.shape[1])
    weights = mask_probabilities(masks, p)
    total = np.zeros((h.shape[0], W2.shape[1]))
    for start in range(0, len(masks), _CHUNK):
        chunk = slice(start, start + _CHUNK)
        total += np.tensordot(weights[chunk], transform(_masked_logits(h, masks[chunk], W2, b2)), axes=1)
    return total


def exact_ensemble(W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, x: ArrayLike,
                   p: float) -> np.ndarray:
    r"""The dropout ensemble's prediction, exactly: the probability-weighted ARITHMETIC mean of the softmax outputs
    of all :math:`2^H` thinned networks.

    .. math::
        \bar{y} = \sum_{m \in \{0,1\}^H} \pi(m)\, \mathrm{softmax}((h \odot m) W_2 + b_2)

    Args:
        W1, b1, W2, b2: the network's parameters, shapes ``(D, H)``, ``(H,)``, ``(H, K)``, ``(K,)``; ``H <= 14``.
        x: inputs, a 2-D array ``(N, D)``.
        p: probability of dropping a hidden unit.

    Returns:
        ``(N, K)`` class probabilities (rows sum to 1).

    Raises:
        ValueError: if ``H > 14`` (2**H members), ``x`` is not 2-D or the shapes do not fit together.

    Example::

        >>> rng = np.random.default_rng(0)
        >>> W1, b1, W2, b2 = rng.normal(size=(3, 4)), np.zeros(4), rng.normal(size=(4, 2)), np.zeros(2)
        >>> exact_ensemble(W1, b1, W2, b2, rng.normal(size=(5, 3)), 0.5).sum(axis=1).round(12)
        array([1., 1., 1., 1., 1.])
    """
    return _weighted_sum_over_members(W1, b1, W2, b2, x, p, _softmax)


def geometric_ensemble(W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, x: ArrayLike,
                       p: float) -> np.ndarray:
    r"""The normalized weighted geometric mean (NWGM) of the members' softmax outputs.

    .. math::
        \mathrm{NWGM}_k = \frac{\prod_m \mathrm{softmax}(z_m)_k^{\pi(m)}}{\sum_{k'} \prod_m
        \mathrm{softmax}(z_m)_{k'}^{\pi(m)}} = \mathrm{softmax}\Big(\sum_m \pi(m) \log\mathrm{softmax}(z_m)\Big)_k

    It equals :func:`weight_scaled` exactly (Baldi & Sadowski, 2013). Proof:
    :math:`\sum_m \pi(m)\log\mathrm{softmax}(z_m) = \sum_m \pi(m) z_m - c = (h \odot \mathbb{E}[m])W_2 + b_2 - c =
    (1-p)\,hW_2 + b_2 - c`, because :math:`z_m` is affine in :math:`m`, and the softmax ignores the class-independent
    :math:`c = \sum_m \pi(m) \log\sum_k e^{z_{m,k}}`.

    Args and shapes as :func:`exact_ensemble`.

    Example::

        >>> rng = np.random.default_rng(0)
        >>> net = rng.normal(size=(3, 4)), np.zeros(4), rng.normal(size=(4, 2)), np.zeros(2), np.ones((1, 3))
        >>> bool(np.allclose(geometric_ensemble(*net, 0.3), weight_scaled(*net, 0.3)))
        True
    """
    return _softmax(_weighted_sum_over_members(W1, b1, W2, b2, x, p, _log_softmax))


def weight_scaled(W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, x: ArrayLike,
                  p: float) -> np.ndarray:
    r"""The weight-scaling rule: one pass of the full network with the hidden units scaled by the keep probability.

    .. math::
        y = \mathrm{softmax}((1-p)\, h W_2 + b_2)

    (equivalently, :math:`W_2` scaled by :math:`1-p`). No enumeration, so any ``H`` works.

    Args and shapes as :func:`exact_ensemble`.

    Example::

        >>> W1, b1, W2, b2 = np.eye(2), np.zeros(2), np.eye(2), np.zeros(2)
        >>> weight_scaled(W1, b1, W2, b2, np.zeros((1, 2)), 0.5)
        array([[0.5, 0.5]])
    """
    p = check_rate(p)
    h, W2, b2 = _hidden(W1, b1, W2, b2, x, enumerated=False)
    return _softmax((1.0 - p) * h @ W2 + b2)


def mc_ensemble(W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, x: ArrayLike, p: float,
                n_samples: int, rng: np.random.Generator | None = None) -> np.ndarray:
    r"""Monte-Carlo model averaging: the mean softmax output of ``n_samples`` members with random masks.

    .. math::
        \hat{y} = \frac{1}{T}\sum_{t=1}^{T} \mathrm{softmax}((h \odot m_t) W_2 + b_2), \qquad
        m_{t,j} \sim \mathrm{Bernoulli}(1-p)

    an unbiased estimate of :func:`exact_ensemble` with standard error :math:`\sigma/\sqrt{T}` per entry. Each
    sample draws one mask shared by all N inputs. No enumeration, so any ``H`` works.

    Args:
        W1, b1, W2, b2, x, p: as :func:`exact_ensemble`.
        n_samples: the number T of masks, at least 1.
        rng: a ``numpy.random.Generator``; a fresh ``np.random.default_rng()`` when ``None``.

    Example::

        >>> W1, b1, W2, b2 = np.eye(2), np.zeros(2), np.eye(2), np.zeros(2)
        >>> mc_ensemble(W1, b1, W2, b2, np.ones((3, 2)), 0.5, n_samples=10).shape
        (3, 2)
    """
    p = check_rate(p)
    try:
        n_samples = operator.index(n_samples)
    except TypeError:
        raise ValueError(f"n_samples must be a positive integer, but got {n_samples!r}") from None
    if n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, but got {n_samples}")
    rng = _as_generator(rng)
    h, W2, b2 = _hidden(W1, b1, W2, b2, x, enumerated=False)
    total = np.zeros((h.shape[0], W2.shape[1]))
    for start in range(0, n_samples, _CHUNK):
        masks = rng.random((min(_CHUNK, n_samples - start), h.shape[1])) >= p
        total += _softmax(_masked_logits(h, masks.astype(np.float64), W2, b2)).sum(axis=0)
    return total / n_samples
