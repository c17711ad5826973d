# Shared by every assignment's probes: the judge runs this source before theirs, in the sandbox.
import math
import warnings

import numpy as np
import torch


def need(ns, name):
    """The student's definition of ``name``, or a clear error if it is missing."""
    if name not in ns:
        raise NameError(f"{name} is not defined: did its cell run without errors?")
    return ns[name]


def nonzero_input(shape, seed, dtype=torch.float64):
    """Inputs with no zeros (magnitudes in [0.5, 2], random signs), so that a zero in the output means 'dropped'."""
    g = torch.Generator().manual_seed(seed)
    magnitude = torch.rand(shape, generator=g, dtype=torch.float64) * 1.5 + 0.5
    sign = torch.where(torch.rand(shape, generator=g) < 0.5, -1.0, 1.0).to(torch.float64)
    return (magnitude * sign).to(dtype)


def outcome(fn):
    """Call ``fn``; return ``("ok", result)`` or the name of the exception it raised."""
    try:
        return ("ok", fn())
    except Exception as err:
        return (type(err).__name__, str(err)[:200])


def catch_warnings_of(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [str(w.message)[:200] for w in caught]
