import math

import pytest
import torch
from torch import nn

from dropout_lib.data import Split
from dropout_lib.training import History, evaluate, train


def toy_split():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(400, 2, generator=g)
    y = (x[:, 0] * x[:, 1] > 0).long()
    return Split(x[:300], y[:300], x[300:], y[300:])


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 2))


def test_training_learns_and_records_every_epoch():
    data = toy_split()
    model = make_model()
    history = train(model, data, epochs=15, lr=1e-2, progress=False)
    assert len(history.train_loss) == len(history.val_acc) == 15
    assert history.val_acc[-1] > 0.85 and history.train_loss[-1] < history.train_loss[0]
    assert history.gap[-1] == pytest.approx(history.train_acc[-1] - history.val_acc[-1])


def test_same_seed_same_history():
    data = toy_split()
    a = train(make_model(), data, epochs=3, progress=False, seed=4)
    b = train(make_model(), data, epochs=3, progress=False, seed=4)
    assert a == b


def test_evaluate_restores_mode_and_supports_mse():
    model = make_model().train()
    loss, acc = evaluate(model, *toy_split()[:2])
    assert model.training and 0 <= acc <= 1 and loss > 0
    reg = nn.Linear(2, 1)
    loss, acc = evaluate(reg, torch.zeros(4, 2), torch.zeros(4, 1), loss="mse")
    assert math.isnan(acc) and loss == pytest.approx(reg.bias.item() ** 2)


def test_bad_arguments():
    with pytest.raises(ValueError, match="loss must be one of"):
        train(make_model(), toy_split(), 1, loss="hinge", progress=False)
    with pytest.raises(ValueError, match="optimizer must be"):
        train(make_model(), toy_split(), 1, optimizer="lbfgs", progress=False)
