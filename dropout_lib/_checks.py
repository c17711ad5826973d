"""Argument checks shared by every layer, so that bad input fails the same way everywhere.

Each error names the argument, what was expected and what came. Types follow PyTorch: a value of the wrong kind
(a NumPy array where a tensor belongs, an integer tensor, a string for ``training``) raises ``TypeError``; a value
of the right kind out of range or of the wrong shape raises ``ValueError``.
"""

import math

import torch


def _kind(value):
    """How an error message names what came: the dtype of a tensor, the class of anything else."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of dtype {value.dtype}"
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def check_rate(p, name="p"):
    """Return ``p`` as a float after checking that it is a probability in [0, 1].

    A one-element tensor or array is accepted, as PyTorch's functions accept it.

    Raises:
        TypeError: if ``p`` is not a real number (a multi-element tensor, a string, a bool).
        ValueError: if ``p`` is NaN or outside [0, 1].
    """
    if hasattr(p, "shape") and math.prod(p.shape) != 1:
        raise TypeError(f"{name} must be a real number or a one-element tensor, but got {_kind(p)} of shape "
                        f"{tuple(p.shape)}")
    if isinstance(p, bool) or not isinstance(p, (int, float)) and not hasattr(p, "__float__"):
        raise TypeError(f"{name} must be a real number, but got {type(p).__name__}")
    if getattr(p, "dtype", None) is torch.bool or isinstance(p, torch.Tensor) and p.is_complex():
        raise TypeError(f"{name} must be a real number, but got {_kind(p)}")
    value = float(p)
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        what = "dropout probability" if name == "p" else name
        raise ValueError(f"{what} has to be between 0 and 1, but got {value}")
    return value


def check_positive(value, name, *, allow_zero=False):
    """Return ``value`` as a float after checking that it is a real number above zero (or at least zero)."""
    if isinstance(value, bool) or not hasattr(value, "__float__") or getattr(value, "shape", ()) != ():
        raise TypeError(f"{name} must be a real number, but got {_kind(value)}")
    wanted = "non-negative" if allow_zero else "positive"
    if not (value >= 0 if allow_zero else value > 0):  # NaN fails both
        raise ValueError(f"{name} must be {wanted}, but got {value}")
    return float(value)


def check_flag(value, name):
    """Raise ``TypeError`` unless ``value`` is a bool (``training="no"`` would otherwise count as true)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be bool, but got {type(value).__name__} {value!r}")
    return value


def check_float_tensor(x, name="x"):
    """Raise ``TypeError`` unless ``x`` is a floating-point ``torch.Tensor``.

    Dropout rescales by :math:`1/(1-p)`: an integer or bool tensor would be cast to float or silently truncated.
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, but got {_kind(x)} (convert it with torch.as_tensor)")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, but got dtype {x.dtype}")
    return x


def check_generator(generator):
    """Raise ``TypeError`` unless ``generator`` is ``None`` or a ``torch.Generator``."""
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, but got {_kind(generator)}")
    return generator


def check_call(x, p, training, generator, name="x", rate_name="p"):
    """The checks at the entry of every dropout function: ``x`` a floating-point tensor, ``training`` a bool,
    ``generator`` a ``torch.Generator`` or ``None``; return the rate ``p`` as a float."""
    check_float_tensor(x, name)
    check_flag(training, "training")
    check_generator(generator)
    return check_rate(p, rate_name)


def check_mask(mask, shape, layer, name="mask", meaning=""):
    """Check a keep mask given by the caller: a tensor of 0/1 (or bool) that broadcasts to ``shape`` without
    enlarging it. ``meaning`` says what one value stands for, e.g. ``"one value per channel"``.

    Raises:
        TypeError: if ``mask`` is not a tensor (a NumPy array, a list).
        ValueError: if its shape does not broadcast to ``shape`` or a value is neither 0 nor 1.
    """
    if not isinstance(mask, torch.Tensor):
        raise TypeError(f"{layer}: {name} must be a torch.Tensor, but got {_kind(mask)}")
    check_broadcasts(mask, shape, layer, name, meaning)
    # m - m*m is zero exactly for 0 and 1, also in floating point (NaN and inf give NaN): one pass, not three
    if mask.dtype is not torch.bool and mask.addcmul(mask, mask, value=-1).any():
        raise ValueError(f"{layer}: {name} must hold only 0 and 1 (keep or drop), but got values such as "
                         f"{mask[(mask != 0) & (mask != 1)].flatten()[0].item()}")
    return mask


def check_broadcasts(tensor, shape, layer, name, meaning=""):
    """Raise ``ValueError`` unless ``tensor`` broadcasts to ``shape`` without changing it."""
    # in Python rather than torch.broadcast_shapes, which costs more than a small dropout itself
    small, target = tuple(tensor.shape), tuple(shape)
    if len(small) > len(target) or any(s not in (1, t) for s, t in zip(reversed(small), reversed(target))):
        detail = f" ({meaning})" if meaning else ""
        raise ValueError(f"{layer} expects {name} broadcastable to {tuple(shape)}{detail}, but got shape "
                         f"{tuple(tensor.shape)}")


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
