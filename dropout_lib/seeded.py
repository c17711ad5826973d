r"""Dropout masks drawn from a seed: a fast exact Bernoulli mask, and a dropout that saves no mask for backward.

PyTorch's CPU dropout draws its mask with ``bernoulli_``, one Mersenne-Twister call and a floating-point comparison
per element, and keeps the float noise (4 bytes per float32 element) for backward. Here a mask is a function of a
128-bit seed and a 32-bit threshold :math:`t = \mathrm{round}((1-p)\,2^{32})`: element ``i`` is kept with
probability :math:`t/2^{32}`, which is :math:`1-p` to within :math:`2^{-33}`. PCG64 (NumPy's default bit generator)
yields 64 random bits per call, eight bytes; element ``i`` takes byte :math:`b_i` and is kept when :math:`b_i` is
below the threshold's top byte :math:`t_{hi}` and dropped when it is above. Only when they are equal (one element in
256) do 24 more bits :math:`w_i` decide, kept when below the threshold's low 24 bits :math:`t_{lo}`:

.. math::
    P(\text{keep}) = \frac{t_{hi}}{256} + \frac{1}{256}\cdot\frac{t_{lo}}{2^{24}} = \frac{t}{2^{32}}.

The tie-breaking words come from the same stream, :data:`TIE_OFFSET` draws further on, in the order of the tied
elements, so that a mask is a prefix of every longer mask of the same seed. This reads about 8 random bits per
element where a whole 32-bit word per element would read 32. The same seed gives the same mask on every call and
every device (masks are drawn on the CPU and moved), which is what lets :func:`dropout_from_seed` save only the seed
(``lean=True``) and draw the mask again in backward.

Reference: O'Neill (2014), "PCG: A Family of Simple Fast Space-Efficient Statistically Good Algorithms for Random
Number Generation", HMC-CS-2014-0905.
"""

import functools
import math
import threading

import numpy as np
import torch

_STREAM = 0xDA3E39CB94B95BDB_5851F42D4C957F2D  # PCG64's increment: any odd constant selects one stream
TIE_OFFSET = 2**64  # where the tie-breaking words start: no mask reads that far (8 bytes per draw)
_local = threading.local()  # one bit generator per thread: setting its state is not thread-safe


def _bit_generator():
    if not hasattr(_local, "bits"):
        _local.bits = np.random.PCG64()
    return _local.bits


def draw_seed(generator=None):
    """A 126-bit seed drawn from ``generator`` (the global torch generator when ``None``), as a Python int, so that
    ``torch.manual_seed`` makes every mask of this library reproducible.

    Example::

        >>> draw_seed(torch.Generator().manual_seed(0)) == draw_seed(torch.Generator().manual_seed(0))
        True
    """
    device = generator.device if generator is not None else "cpu"
    high, low = torch.empty(2, dtype=torch.int64, device=device).random_(generator=generator).tolist()
    return high << 63 | low


def keep_mask_from_seed(shape, p, seed, device=None):
    r"""The boolean keep mask (``True``: kept) that ``seed`` determines: :math:`m_i \sim \mathrm{Bernoulli}(1-p)`,
    independent across elements.

    Args:
        shape: the mask's shape.
        p: probability of dropping an element, in [0, 1].
        seed: a non-negative int below :math:`2^{128}` (see :func:`draw_seed`).
        device: where the mask goes; it is drawn on the CPU, so the same seed gives the same mask everywhere.

    Example::

        >>> keep_mask_from_seed((2, 3), 0.5, seed=8)
        tensor([[ True, False, False],
                [False,  True,  True]])
    """
    count = math.prod(shape)
    threshold = _threshold(p)
    if threshold is None:
        keep = np.ones(count, dtype=bool)
    else:
        top, low = threshold >> 24, threshold & 0xFFFFFF
        bits = _bit_generator()
        bits.state = {"bit_generator": "PCG64", "state": {"state": seed, "inc": _STREAM}, "has_uint32": 0,
                      "uinteger": 0}
        byte = bits.random_raw((count + 7) // 8).view(np.uint8)[:count]
        keep = byte < top
        if low:  # with low == 0 a tie is always dropped: nothing to draw
            ties = np.flatnonzero(byte == top)
            if ties.size:
                bits.state = {"bit_generator": "PCG64", "state": {"state": seed, "inc": _STREAM}, "has_uint32": 0,
                              "uinteger": 0}
                bits.advance(TIE_OFFSET)
                keep[ties] = bits.random_raw((ties.size + 1) // 2).view(np.uint32)[:ties.size] >> 8 < low
    keep = torch.from_numpy(keep.reshape(shape))
    return keep if device is None or torch.device(device).type == "cpu" else keep.to(device)


@functools.lru_cache(maxsize=256)
def _threshold(p):
    """Element i is kept with probability threshold / 2**32; ``None`` when p is below 2**-33: all are kept."""
    threshold = round((1.0 - p) * 2**32)
    return None if threshold >= 2**32 else threshold


@functools.lru_cache(maxsize=256)
def keep_scale(p, dtype):
    """:math:`1/(1-p)` in ``dtype``, rounded as PyTorch rounds its noise ``bernoulli_(1 - p).div_(1 - p)`` (a
    cached 0-d tensor: read it, never write into it)."""
    return torch.ones((), dtype=dtype).div_(1.0 - p)


def scale_by_mask(x, keep, p):
    r""":math:`x \odot m / (1-p)` for a boolean ``keep`` mask broadcastable to ``x`` and ``p < 1``: equal to the
    last bit to ``x * (m / (1 - p))``, PyTorch's order of operations, without making the float noise tensor.
    Not differentiable itself: :func:`dropout_from_seed` wraps it."""
    scale = keep_scale(p, x.dtype)
    if x.device.type != "cpu":
        scale = scale.to(x.device)
    if keep.numel() < x.numel():  # a broadcast mask (spatial dropout): the small float noise multiplies fastest
        return x * keep.to(x.dtype).mul_(scale)
    return torch.mul(x, keep).mul_(scale)


class _MaskDropout(torch.autograd.Function):
    """Dropout that saves its boolean mask for backward: 1 byte per element."""

    @staticmethod
    def forward(ctx, x, keep, p):
        ctx.save_for_backward(keep)
        ctx.p = p
        return scale_by_mask(x, keep, p)

    @staticmethod
    def backward(ctx, grad):
        # Dropout is linear and symmetric: its gradient is the same dropout of ``grad``, differentiable again
        # where a graph of the backward pass is being recorded (double backward).
        if torch.is_grad_enabled():
            return _MaskDropout.apply(grad, ctx.saved_tensors[0], ctx.p), None, None
        return scale_by_mask(grad, ctx.saved_tensors[0], ctx.p), None, None


class _LeanDropout(torch.autograd.Function):
    """Dropout that saves only the seed and draws the mask again in backward: 0 bytes per element."""

    @staticmethod
    def forward(ctx, x, p, seed, mask_shape):
        ctx.p, ctx.seed, ctx.mask_shape = p, seed, mask_shape
        return scale_by_mask(x, keep_mask_from_seed(mask_shape, p, seed, x.device), p)

    @staticmethod
    def backward(ctx, grad):
        if torch.is_grad_enabled():  # double backward: the gradient of this dropout is the same lean dropout
            return _LeanDropout.apply(grad, ctx.p, ctx.seed, ctx.mask_shape), None, None, None
        return scale_by_mask(grad, keep_mask_from_seed(ctx.mask_shape, ctx.p, ctx.seed, grad.device), ctx.p), None, \
            None, None


def dropout_from_seed(x, p, seed, mask_shape=None, lean=False):
    r"""Inverted dropout :math:`y = x \odot m / (1-p)` with the keep mask of :func:`keep_mask_from_seed`.

    Args:
        x: input tensor.
        p: probability of dropping, in [0, 1].
        seed: the mask's seed (see :func:`draw_seed`).
        mask_shape: shape of the mask, broadcastable to ``x`` (``(N, C, 1, 1)`` for spatial dropout); ``x.shape``
            when ``None``.
        lean: save nothing for backward but the seed, and draw the mask again there (0 bytes per element instead
            of 1 for the boolean mask). Outputs and gradients are bit-identical either way.

    Example::

        >>> x = torch.ones(2, 3, requires_grad=True)
        >>> dropout_from_seed(x, 0.5, seed=8, lean=True)
        tensor([[2., 0., 0.],
                [0., 2., 2.]], grad_fn=<_LeanDropoutBackward>)
    """
    mask_shape = tuple(x.shape if mask_shape is None else mask_shape)
    if p == 1.0:
        return x * torch.zeros((), dtype=x.dtype, device=x.device)  # all dropped: nothing to rescale
    if not (x.requires_grad and torch.is_grad_enabled()):  # no backward: skip autograd's bookkeeping
        return scale_by_mask(x, keep_mask_from_seed(mask_shape, p, seed, x.device), p)
    if lean:
        return _LeanDropout.apply(x, p, seed, mask_shape)
    return _MaskDropout.apply(x, keep_mask_from_seed(mask_shape, p, seed, x.device), p)
