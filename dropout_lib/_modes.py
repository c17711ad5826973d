"""Saving and restoring the train/eval mode of every module of a model, written once for every function that
switches modes for a while (MC dropout, batch-norm recalibration, the variance-shift measurement)."""

from contextlib import contextmanager


@contextmanager
def restored_modes(model, modules=None):
    """Within the block, change the modes of ``model``'s modules at will; on exit, also after an exception, every
    module has the mode it had on entry (``model.train(mode)`` alone would set the children's modes to the
    root's). ``modules``: ``list(model.modules())`` where the caller has it already."""
    modes = [(module, module.training) for module in (model.modules() if modules is None else modules)]
    try:
        yield model
    finally:
        for module, mode in modes:
            module.training = mode
