# Probes of e09_mc_dropout (the shared helpers of probe_common.py come first).
from torch import nn


def build_model():
    """A small regression net with batch norm and two dropout layers, fixed weights and trained running statistics."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 16),
                          nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 3))
    model.train()
    with torch.no_grad():
        for _ in range(5):
            model(torch.randn(64, 4) * 2 + 1)  # running statistics far from the defaults 0 and 1
    model.eval()
    return model


def record_passes(model):
    """Record every forward pass of ``model``: its input, its output, every module's mode, and the grad mode.

    The hooks sit on the first and the last layer, so that they see the pass whether it was started with model(x)
    or with model.forward(x)."""
    record = {"inputs": [], "outputs": [], "modes": [], "grad_enabled": []}

    def first(module, args):
        record["inputs"].append(args[0].detach().clone())

    def last(module, args, output):
        record["outputs"].append(output.detach().clone())
        record["modes"].append([bool(m.training) for m in model.modules()])
        record["grad_enabled"].append(bool(torch.is_grad_enabled()))

    model[0].register_forward_pre_hook(first)
    model[-1].register_forward_hook(last)
    return record


def batch_norm_state(model):
    bn = model[1]
    return [bn.running_mean.clone(), bn.running_var.clone(), bn.num_batches_tracked.clone()]


def inputs(n_rows, seed):
    return torch.randn(n_rows, 4, generator=torch.Generator().manual_seed(seed))


def probe_test_mean_and_variance(ns):
    mc_predict = need(ns, "mc_predict")
    model = build_model()
    state = {k: v.clone() for k, v in model.state_dict().items()}
    record = record_passes(model)
    x = inputs(5, 1)
    mean, var = mc_predict(model, x, n_samples=400)
    return {"mean": mean, "var": var, "x": x, "n_samples": 400, "state": state,
            "inputs": record["inputs"], "outputs": record["outputs"]}


def probe_test_modes(ns):
    mc_predict = need(ns, "mc_predict")
    out = {"kinds": [type(m).__name__ for m in build_model().modules()]}
    model = build_model()  # in evaluation mode, as a trained model usually is before predicting
    record = record_passes(model)
    before, stats = [m.training for m in model.modules()], batch_norm_state(model)
    mc_predict(model, inputs(8, 2), n_samples=6)
    out["from_eval"] = {"before": before, "after": [m.training for m in model.modules()], "during": record["modes"],
                        "stats_before": stats, "stats_after": batch_norm_state(model)}
    model = build_model()  # a mixed state, as in the middle of training with one layer frozen
    model.train()
    model[4].eval()
    model[6].eval()
    record = record_passes(model)
    before, stats = [m.training for m in model.modules()], batch_norm_state(model)
    mc_predict(model, inputs(8, 3), n_samples=6)
    out["from_mixed"] = {"before": before, "after": [m.training for m in model.modules()], "during": record["modes"],
                         "stats_before": stats, "stats_after": batch_norm_state(model)}
    model = build_model()
    out["one_row"] = outcome(lambda: [t.shape for t in mc_predict(model, inputs(1, 4), n_samples=3)])[0]
    return out


def probe_test_no_gradients(ns):
    mc_predict = need(ns, "mc_predict")
    model = build_model()
    record = record_passes(model)
    flags = [p.requires_grad for p in model.parameters()]
    x = inputs(3, 5).requires_grad_()
    mean, var = mc_predict(model, x, n_samples=4)
    return {"mean_requires_grad": bool(mean.requires_grad), "var_requires_grad": bool(var.requires_grad),
            "grad_enabled": record["grad_enabled"], "flags_before": flags,
            "flags_after": [p.requires_grad for p in model.parameters()],
            "param_grads": [p.grad is not None for p in model.parameters()]}


def probe_test_defaults_and_shapes(ns):
    mc_predict = need(ns, "mc_predict")
    model = build_model()
    record = record_passes(model)
    x = inputs(6, 6)
    mean, var = mc_predict(model, x)
    out = {"mean_shape": list(mean.shape), "var_shape": list(var.shape), "output_shape": [6, 3], "x": x,
           "inputs": record["inputs"]}
    torch.manual_seed(7)
    grid = nn.Sequential(nn.Linear(4, 12), nn.Dropout(0.3), nn.Unflatten(1, (3, 4))).eval()
    grid_mean, grid_var = mc_predict(grid, inputs(2, 7), n_samples=5)
    out["grid_shapes"], out["grid_output_shape"] = [list(grid_mean.shape), list(grid_var.shape)], [2, 3, 4]
    return out
