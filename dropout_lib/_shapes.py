"""Shape test shared by the layers that accept a fixed mask or fixed noise."""

import torch


def broadcasts_to(shape, target):
    """True if a tensor of ``shape`` broadcasts to ``target`` without changing it (``torch.broadcast_shapes`` raises
    instead of answering when the shapes are incompatible)."""
    try:
        return torch.broadcast_shapes(shape, target) == torch.Size(target)
    except RuntimeError:
        return False
