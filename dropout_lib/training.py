"""A small training loop shared by the notebooks: mini-batch training with per-epoch history."""

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
          weight_decay=0.0, progress=True):
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
        progress: show a ``tqdm`` progress bar. Default: ``True``.

    Returns:
        a :class:`History`.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, but got {loss!r}")
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"optimizer must be 'adam' or 'sgd', but got {optimizer!r}")
    set_seed(seed)
    opt_class = torch.optim.Adam if optimizer == "adam" else torch.optim.SGD
    opt = opt_class(model.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = LOSSES[loss]
    history = History()
    shuffler = torch.Generator().manual_seed(seed)
    for _ in tqdm(range(epochs), desc="epochs", disable=not progress, leave=False):
        model.train()
        order = torch.randperm(len(data.x_train), generator=shuffler)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            opt.zero_grad()
            loss_fn(model(data.x_train[idx]), data.y_train[idx]).backward()
            opt.step()
        for name, (x, y) in (("train", (data.x_train, data.y_train)), ("val", (data.x_val, data.y_val))):
            value, acc = evaluate(model, x, y, loss)
            getattr(history, f"{name}_loss").append(value)
            getattr(history, f"{name}_acc").append(acc)
    return history
