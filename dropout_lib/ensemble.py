r"""Dropout as an ensemble: exact enumeration of every thinned network of a one-hidden-layer net.

The network: :math:`h = \mathrm{relu}(xW_1 + b_1)`; a member of the ensemble keeps the hidden units of a mask
:math:`m \in \{0,1\}^H` (the original, unscaled form: :math:`h \odot m`); its output is
:math:`\mathrm{softmax}((h \odot m) W_2 + b_2)`. Under dropout with drop probability p, mask m has probability
:math:`\pi(m) = (1-p)^{|m|} p^{H-|m|}`. References: Srivastava et al. (2014); Baldi & Sadowski (2013),
"Understanding Dropout", NeurIPS (the normalized geometric mean and the weight-scaling rule).
"""

import numpy as np

from dropout_lib._checks import check_rate

MAX_HIDDEN = 14  # 2**14 = 16,384 members: the limit of exact enumeration in this course


def all_masks(H):
    """Every keep mask of ``H`` units, as a ``(2**H, H)`` array of 0/1 (row k is the binary expansion of k)."""
    if isinstance(H, bool) or not isinstance(H, (int, np.integer)) or not 0 <= H <= MAX_HIDDEN:
        raise ValueError(f"exact enumeration needs 0 <= H <= {MAX_HIDDEN} hidden units, but got {H!r}")
    return ((np.arange(2**H)[:, None] >> np.arange(H)[None, :]) & 1).astype(np.float64)


def mask_probabilities(masks, p):
    r""":math:`\pi(m) = (1-p)^{|m|} p^{H-|m|}` for each row of ``masks``; they sum to 1 over all masks."""
    p = check_rate(p)
    kept = masks.sum(axis=1)
    return (1.0 - p) ** kept * p ** (masks.shape[1] - kept)


def _softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _hidden(W1, b1, x, enumerated=True):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D array (N, D), but got shape {x.shape}")
    if enumerated and W1.shape[1] > MAX_HIDDEN:
        raise ValueError(f"exact enumeration needs H <= {MAX_HIDDEN} hidden units, but W1 has {W1.shape[1]}")
    return np.maximum(x @ W1 + b1, 0.0)


def member_logits(W1, b1, W2, b2, x, masks):
    """Logits of every member: an array ``(n_masks, N, K)``."""
    h = _hidden(W1, b1, x)
    return np.einsum("nh,mh,hk->mnk", h, masks, W2) + b2


def exact_ensemble(W1, b1, W2, b2, x, p):
    r"""The arithmetic mean of the members' softmax outputs, weighted by their probabilities, over all
    :math:`2^H` masks: :math:`\sum_m \pi(m)\, \mathrm{softmax}(z_m)`. Returns ``(N, K)``.

    Example::

        >>> rng = np.random.default_rng(0)
        >>> W1, b1, W2, b2 = rng.normal(size=(3, 4)), np.zeros(4), rng.normal(size=(4, 2)), np.zeros(2)
        >>> exact_ensemble(W1, b1, W2, b2, rng.normal(size=(5, 3)), 0.5).sum(axis=1).round(12)
        array([1., 1., 1., 1., 1.])
    """
    masks = all_masks(W1.shape[1])
    weights = mask_probabilities(masks, p)
    return np.einsum("m,mnk->nk", weights, _softmax(member_logits(W1, b1, W2, b2, x, masks)))


def geometric_ensemble(W1, b1, W2, b2, x, p):
    r"""The normalized weighted geometric mean of the members' softmax outputs:
    :math:`\mathrm{NWGM}_k \propto \prod_m \mathrm{softmax}(z_m)_k^{\pi(m)}`, renormalized over classes.

    Because the logits are linear in the mask, :math:`\sum_m \pi(m) z_m = z(\mathbb{E}[m]) = z((1-p)\mathbf{1})`
    and the log-normalizers cancel under renormalization: the NWGM equals :func:`weight_scaled` exactly
    (Baldi & Sadowski, 2013).
    """
    masks = all_masks(W1.shape[1])
    weights = mask_probabilities(masks, p)
    z = member_logits(W1, b1, W2, b2, x, masks)
    log_probs = z - z.max(axis=-1, keepdims=True)
    log_probs = log_probs - np.log(np.exp(log_probs).sum(axis=-1, keepdims=True))
    return _softmax(np.einsum("m,mnk->nk", weights, log_probs))


def weight_scaled(W1, b1, W2, b2, x, p):
    r"""The weight-scaling rule: the full network with the hidden units scaled by the keep probability,
    :math:`\mathrm{softmax}((1-p)\,h W_2 + b_2)`. Returns ``(N, K)``."""
    p = check_rate(p)
    return _softmax((1.0 - p) * _hidden(W1, b1, x, enumerated=False) @ W2 + b2)


def mc_ensemble(W1, b1, W2, b2, x, p, n_samples, rng=None):
    r"""Monte-Carlo model averaging: the mean softmax output of ``n_samples`` random members (masks drawn with
    keep probability :math:`1-p`), an unbiased estimate of :func:`exact_ensemble`."""
    p = check_rate(p)
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, but got {n_samples}")
    rng = np.random.default_rng() if rng is None else rng
    masks = (rng.random((n_samples, W1.shape[1])) >= p).astype(np.float64)
    h = _hidden(W1, b1, x, enumerated=False)
    return _softmax(np.einsum("nh,mh,hk->mnk", h, masks, W2) + b2).mean(axis=0)
