"""A small training loop shared by the notebooks: mini-batch training with per-epoch history, a per-step hook,
and Srivastava et al.'s max-norm constraint to use from it."""

import random
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from dropout_lib._modes import restored_modes


def set_seed(seed):
    """Seed Python's, NumPy's and PyTorch's global generators."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@dataclass
class History:
    """Per-epoch metrics; accuracies are ``nan`` for regression."""

    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)

    @property
    def gap(self):
        """The generalization gap per epoch: train accuracy minus validation accuracy."""
        return [t - v for t, v in zip(self.train_acc, self.val_acc)]


LOSSES = {"cross_entropy": nn.functional.cross_entropy, "mse": nn.functional.mse_loss}


@torch.no_grad()
def evaluate(model, x, y, loss="cross_entropy", batch_size=1024):
    """``(loss, accuracy)`` of ``model`` in evaluation mode on ``(x, y)``; every module's mode is restored."""
    loss_fn = LOSSES[loss]
    total, correct = 0.0, 0
    with restored_modes(model):
        model.eval()
        for start in range(0, len(x), batch_size):
            out = model(x[start : start + batch_size])
            target = y[start : start + batch_size]
            total += loss_fn(out, target, reduction="sum").item()
            if loss == "cross_entropy":
                correct += (out.argmax(dim=1) == target).sum().item()
    n = len(x) * (1 if loss == "cross_entropy" else int(np.prod(y.shape[1:])) or 1)
    return total / n, (correct / len(x) if loss == "cross_entropy" else float("nan"))


def train(model, data, epochs, lr=1e-3, batch_size=64, seed=0, optimizer="adam", loss="cross_entropy",
          weight_decay=0.0, momentum=0.0, on_step=None, eval_every=1, progress=True):
    """Train ``model`` on ``data`` (a :class:`dropout_lib.data.Split`) and record the metrics of every epoch.

    Training metrics are measured after each epoch in evaluation mode on the whole training set, so that they
    are comparable with the validation metrics (the running loss during an epoch, with dropout on, is not).

    Args:
        model: the network; trained in place.
        data: a ``Split`` with ``x_train, y_train, x_val, y_val``.
        epochs: number of passes over the training set.
        lr: learning rate. Default: 1e-3.
        batch_size: mini-batch size. Default: 64.
        seed: seeds the shuffling and the dropout masks. Default: 0.
        optimizer: ``"adam"`` or ``"sgd"``. Default: ``"adam"``.
        loss: ``"cross_entropy"`` or ``"mse"``. Default: ``"cross_entropy"``.
        weight_decay: L2 penalty passed to the optimizer. Default: 0.
        momentum: the momentum of ``"sgd"`` (must be 0 with ``"adam"``). Default: 0.
        on_step: ``on_step(model, step)`` is called after every optimizer step, ``step`` counting from 1: for
            per-step work such as a weight constraint (``lambda model, step: max_norm_(model, 3.0)``) or
            recording the weights. Default: ``None``.
        eval_every: record the metrics after every ``eval_every``-th epoch and after the last one; ``None``:
            after the last epoch only. Default: 1.
        progress: show a ``tqdm`` progress bar. Default: ``True``.

    Returns:
        a :class:`History`.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, but got {loss!r}")
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"optimizer must be 'adam' or 'sgd', but got {optimizer!r}")
    if momentum and optimizer != "sgd":
        raise ValueError(f"momentum needs optimizer='sgd', but got optimizer={optimizer!r}")
    if eval_every is not None and (isinstance(eval_every, bool) or not isinstance(eval_every, int) or eval_every < 1):
        raise ValueError(f"eval_every must be a positive integer or None, but got {eval_every!r}")
    set_seed(seed)
    if optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    loss_fn = LOSSES[loss]
    history = History()
    shuffler = torch.Generator().manual_seed(seed)
    step = 0
    for epoch in tqdm(range(1, epochs + 1), desc="epochs", disable=not progress, leave=False):
        model.train()
        order = torch.randperm(len(data.x_train), generator=shuffler)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            opt.zero_grad()
            loss_fn(model(data.x_train[idx]), data.y_train[idx]).backward()
            opt.step()
            step += 1
            if on_step is not None:
                on_step(model, step)
        if epoch != epochs and (eval_every is None or epoch % eval_every):
            continue
        for name, (x, y) in (("train", (data.x_train, data.y_train)), ("val", (data.x_val, data.y_val))):
            value, acc = evaluate(model, x, y, loss)
            getattr(history, f"{name}_loss").append(value)
            getattr(history, f"{name}_acc").append(acc)
    return history


@torch.no_grad()
def max_norm_(model, max_norm, dim=0):
    r"""Srivastava et al.'s max-norm constraint, in place: every hidden unit's vector of incoming weights is
    projected onto the ball of radius ``max_norm``,

    .. math::
        w_j \leftarrow w_j \cdot \min\left(1, \frac{c}{\lVert w_j \rVert_2}\right),

    for the weight of every ``nn.Linear`` and ``nn.Conv*d`` in ``model`` (itself included); biases are left
    alone. A unit's incoming weights are a row of a linear layer's ``(out, in)`` weight, an output channel's
    filter of a convolution: slices along ``dim`` 0. Call it after each optimizer step, for example through
    :func:`train`'s hook: ``on_step=lambda model, step: max_norm_(model, 3.0)``.

    Args:
        model: a module; its weights are changed in place.
        max_norm: the radius :math:`c` (Srivastava et al. (2014) use values from 3 to 4).
        dim: the dimension that indexes the units. Default: 0.

    Returns:
        ``model``.

    Example::

        >>> layer = nn.Linear(3, 2)
        >>> _ = nn.init.constant_(layer.weight, 10.0)
        >>> max_norm_(layer, 2.0).weight.norm(dim=1).round(decimals=4).tolist()
        [2.0, 2.0]

    Reference: Srivastava et al. (2014), "Dropout: A Simple Way to Prevent Neural Networks from Overfitting",
    JMLR 15, section 5.1.
    """
    if isinstance(max_norm, bool) or not isinstance(max_norm, (int, float)) or not max_norm > 0:
        raise ValueError(f"max_norm must be a positive number, but got {max_norm!r}")
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.modules.conv._ConvNd)):
            module.weight.copy_(torch.renorm(module.weight, p=2, dim=dim, maxnorm=max_norm))
    return model
