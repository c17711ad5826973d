"""Verdict helpers for layers whose masks are shared along some dimensions (spatial, locked, per-sample masks).

A structured mask is inferred from an output whose input had no zeros: a block of the output that is all zeros was
dropped, a block with no zero was kept, and anything else means the mask has the wrong shape.
"""

from grader.checks.verdict_common import assert_fraction


def block_mask(y, block_dims, what):
    """The keep mask of the blocks of ``y`` spanned by ``block_dims`` (the dimensions one mask entry covers).

    Returns a bool tensor with ``block_dims`` reduced away; fails with ``what`` when a block is partly dropped.
    """
    zero = y == 0
    dims = tuple(block_dims)
    dropped = zero.all(dim=dims) if dims else zero
    kept = (~zero).all(dim=dims) if dims else ~zero
    assert bool((dropped | kept).all()), what
    return kept


def agreement(a, b):
    """The fraction of entries where two keep masks agree."""
    return float((a == b).double().mean())


def assert_independent(a, b, p, what, shared_message):
    """``a`` and ``b`` are keep masks that must be drawn independently with drop probability ``p``.

    Independent masks agree with probability p^2 + (1-p)^2; masks that are in fact the same agree everywhere,
    which gets ``shared_message``.
    """
    expected = p * p + (1 - p) * (1 - p)
    observed = agreement(a, b)
    if abs(observed - 1.0) < abs(observed - expected):
        raise AssertionError(shared_message)
    assert_fraction(observed, expected, a.numel(), what)
