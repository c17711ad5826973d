# Probes of e09_mc_dropout (the shared helpers of probe_common.py come first).
from torch import nn


def recorded_model():
    """A small net with batch norm and dropout whose hooks record every forward pass and the modes it ran in."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 3))
    model.train()
    with torch.no_grad():
        for _ in range(5):
            model(torch.randn(64, 4) + 1)  # non-trivial running statistics
    model[4].eval()  # a mixed state, which must come back exactly
    record = {"outputs": [], "bn_training": [], "dropout_training": [], "grad_enabled": []}

    def hook(module, args, output):
        record["outputs"].append(output.detach().clone())
        record["bn_training"].append(bool(model[1].training))
        record["dropout_training"].append(bool(model[3].training))
        record["grad_enabled"].append(bool(torch.is_grad_enabled()))

    model.register_forward_hook(hook)
    return model, record


def probe_test_mean_and_variance(ns):
    mc_predict = need(ns, "mc_predict")
    model, record = recorded_model()
    x = torch.randn(5, 4)
    mean, var = mc_predict(model, x, n_samples=7)
    return {"mean": mean, "var": var, "outputs": record["outputs"], "n_rows": x.shape[0]}


def probe_test_modes(ns):
    mc_predict = need(ns, "mc_predict")
    model, record = recorded_model()
    before = [m.training for m in model.modules()]
    stats = [model[1].running_mean.clone(), model[1].running_var.clone(), model[1].num_batches_tracked.clone()]
    mc_predict(model, torch.randn(1, 4), n_samples=5)  # one row: batch norm in training mode would fail
    return {"before": before, "after": [m.training for m in model.modules()], "bn_training": record["bn_training"],
            "dropout_training": record["dropout_training"], "stats_before": stats,
            "stats_after": [model[1].running_mean, model[1].running_var, model[1].num_batches_tracked]}


def probe_test_no_gradients(ns):
    mc_predict = need(ns, "mc_predict")
    model, record = recorded_model()
    x = torch.randn(3, 4, requires_grad=True)
    mean, var = mc_predict(model, x, n_samples=4)
    return {"mean_requires_grad": bool(mean.requires_grad), "var_requires_grad": bool(var.requires_grad),
            "grad_enabled": record["grad_enabled"]}


def probe_test_defaults_and_shapes(ns):
    mc_predict = need(ns, "mc_predict")
    model, record = recorded_model()
    mean, var = mc_predict(model, torch.randn(6, 4))
    return {"mean_shape": list(mean.shape), "var_shape": list(var.shape), "outputs": record["outputs"]}
