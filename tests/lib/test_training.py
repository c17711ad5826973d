import math

import pytest
import torch
from torch import nn

from dropout_lib.data import Split
from dropout_lib.training import History, evaluate, max_norm_, train


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


def test_on_step_is_called_after_every_optimizer_step():
    data = toy_split()
    seen = []
    train(make_model(), data, epochs=2, batch_size=64, progress=False,
          on_step=lambda model, step: seen.append((step, model.training)))
    steps_per_epoch = math.ceil(len(data.x_train) / 64)
    assert seen == [(step, True) for step in range(1, 2 * steps_per_epoch + 1)]


def test_on_step_sees_the_weights_after_the_update():
    data = toy_split()
    model = make_model()
    before, after = [], []
    first = model[0].weight
    train(model, data, epochs=1, batch_size=100, progress=False,
          on_step=lambda m, step: after.append(first.detach().clone()))
    before.append(make_model()[0].weight.detach())
    # three steps, each one changes the weights, and the hook saw each new state
    assert len(after) == 3
    assert not torch.equal(after[0], before[0]) and not torch.equal(after[1], after[0])
    assert torch.equal(after[-1], first.detach())


def test_sgd_momentum_changes_the_trajectory_and_adam_refuses_it():
    data = toy_split()
    plain = train(make_model(), data, epochs=3, lr=0.05, optimizer="sgd", progress=False)
    heavy = train(make_model(), data, epochs=3, lr=0.05, optimizer="sgd", momentum=0.9, progress=False)
    assert plain.train_loss != heavy.train_loss
    with pytest.raises(ValueError, match="momentum needs optimizer='sgd', but got optimizer='adam'"):
        train(make_model(), data, 1, momentum=0.9, progress=False)


def test_eval_every_records_the_chosen_epochs_and_the_last():
    data = toy_split()
    every = train(make_model(), data, epochs=5, progress=False)
    sparse = train(make_model(), data, epochs=5, eval_every=2, progress=False)
    last = train(make_model(), data, epochs=5, eval_every=None, progress=False)
    assert sparse.val_loss == [every.val_loss[i] for i in (1, 3, 4)]
    assert last.val_acc == every.val_acc[-1:] and last.train_loss == every.train_loss[-1:]
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match=f"eval_every must be a positive integer or None, but got {bad!r}"):
            train(make_model(), data, 1, eval_every=bad, progress=False)


def test_max_norm_caps_each_units_incoming_weights_and_leaves_the_rest():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(2, 4, 3), nn.Flatten(), nn.Linear(36, 5))
    with torch.no_grad():
        net[0].weight.mul_(torch.tensor([10.0, 0.1, 10.0, 0.1]).reshape(4, 1, 1, 1))
        net[2].weight[:2].mul_(50.0)
    before = {name: w.detach().clone() for name, w in net.named_parameters()}
    assert max_norm_(net, 1.0) is net
    for layer in (net[0], net[2]):
        norms_before = before[f"{list(net).index(layer)}.weight"].flatten(1).norm(dim=1)
        norms_after = layer.weight.flatten(1).norm(dim=1)
        big = norms_before > 1.0
        assert big.any() and (~big).any()
        torch.testing.assert_close(norms_after[big], torch.ones(int(big.sum())), rtol=1e-5, atol=0)
        # a unit inside the ball is untouched; one outside keeps its direction
        assert torch.equal(layer.weight[~big], before[f"{list(net).index(layer)}.weight"][~big])
        cosine = nn.functional.cosine_similarity(layer.weight[big].flatten(1),
                                                 before[f"{list(net).index(layer)}.weight"][big].flatten(1))
        torch.testing.assert_close(cosine, torch.ones_like(cosine))
    assert torch.equal(net[2].bias, before["2.bias"])


def test_max_norm_as_a_training_constraint():
    data = toy_split()
    model = make_model()
    train(model, data, epochs=3, lr=0.5, optimizer="sgd", momentum=0.9, progress=False,
          on_step=lambda m, step: max_norm_(m, 0.5))
    assert model[0].weight.norm(dim=1).max() <= 0.5 + 1e-5
    assert model[3].weight.norm(dim=1).max() <= 0.5 + 1e-5


@pytest.mark.parametrize("bad", [0, -1.0, True, "3", None])
def test_max_norm_bad_radius(bad):
    with pytest.raises(ValueError, match=f"max_norm must be a positive number, but got {bad!r}"):
        max_norm_(make_model(), bad)
