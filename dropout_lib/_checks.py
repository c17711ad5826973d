"""Argument checks shared by every layer, so that bad input fails the same way everywhere."""

import math


def check_rate(p, name="p"):
    """Return ``p`` as a float after checking that it is a probability in [0, 1].

    Raises:
        TypeError: if ``p`` is not a real number.
        ValueError: if ``p`` is NaN or outside [0, 1].
    """
    if isinstance(p, bool) or not isinstance(p, (int, float)) and not hasattr(p, "__float__"):
        raise TypeError(f"{name} must be a real number, but got {type(p).__name__}")
    value = float(p)
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return value


def check_ndim(x, allowed, layer):
    """Raise ``ValueError`` unless ``x.ndim`` is one of ``allowed`` (an int or a tuple of ints)."""
    allowed = (allowed,) if isinstance(allowed, int) else tuple(allowed)
    if x.ndim not in allowed:
        wanted = " or ".join(f"{n}-D" for n in allowed)
        raise ValueError(f"{layer} expects a {wanted} input, but got a {x.ndim}-D input of shape {tuple(x.shape)}")


def check_min_ndim(x, min_ndim, layer, layout):
    """Raise ``ValueError`` unless ``x`` has at least ``min_ndim`` dimensions (``layout`` names them)."""
    if x.ndim < min_ndim:
        raise ValueError(
            f"{layer} expects an input of shape {layout} with at least {min_ndim} dimensions, "
            f"but got a {x.ndim}-D input of shape {tuple(x.shape)}"
        )
