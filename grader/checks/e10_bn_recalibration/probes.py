# Probes of e10_bn_recalibration (the shared helpers of probe_common.py come first).
from torch import nn

VARIANCE_CASES = [(0.0, 1.0, 0.5), (2.0, 0.5, 0.3), (-1.0, 3.0, 0.1), (0.5, 2.0, 0.0), (1.5, 0.25, 0.8),
                  (3.0, 0.0, 0.4)]


def probe_test_dropout_variance(ns):
    dropout_variance = need(ns, "dropout_variance")
    results = []
    for mean, var, p in VARIANCE_CASES:
        result = outcome(lambda: dropout_variance(mean, var, p))
        if result[0] == "ok":
            value = result[1]
            result = ("ok", [float(v) for v in value] if isinstance(value, (tuple, list)) else [float(value)])
        results.append(list(result))
    return {"cases": [list(c) for c in VARIANCE_CASES], "results": results}


def with_learned_affine(model):
    """Batch norm's weight and bias away from their initial 1 and 0, as training leaves them, so that resetting
    them shows."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
    return model


def dense_model():
    torch.manual_seed(0)
    return with_learned_affine(nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Dropout(0.5),
                                             nn.BatchNorm1d(16, momentum=0.3), nn.Linear(16, 8), nn.Dropout(0.2),
                                             nn.BatchNorm1d(8)))


def conv_model():
    torch.manual_seed(1)
    return with_learned_affine(nn.Sequential(nn.Conv2d(2, 4, 3), nn.Dropout2d(0.3), nn.BatchNorm2d(4), nn.ReLU(),
                                             nn.Conv2d(4, 3, 1), nn.BatchNorm2d(3)))


def trained(model, make_input, steps=10):
    """``model`` after a few training-mode passes: running statistics that dropout has inflated."""
    model.train()
    with torch.no_grad():
        for _ in range(steps):
            model(make_input())
    return model


def dense_batch(seed, rows=50):
    return torch.randn(rows, 5, generator=torch.Generator().manual_seed(seed)) + 1


def conv_batch(seed, rows=8):
    return torch.randn(rows, 2, 6, 6, generator=torch.Generator().manual_seed(seed)) * 2


def probe_test_recalibrated_statistics(ns):
    recalibrate_batchnorm = need(ns, "recalibrate_batchnorm")
    out = {}
    for name, model, batch in (("dense", trained(dense_model(), lambda: torch.randn(32, 5) + 1), dense_batch),
                               ("conv", trained(conv_model(), lambda: torch.randn(8, 2, 6, 6) * 2), conv_batch)):
        state = {k: v.clone() for k, v in model.state_dict().items()}
        batches = [batch(100 + i) for i in range(4)]
        # a one-pass iterator, as a data loader's may be
        recalibrate_batchnorm(model, (b.clone() for b in batches))
        out[name] = {"state_before": state, "state_after": model.state_dict(), "batches": batches}
    return out


def probe_test_restores_everything(ns):
    recalibrate_batchnorm = need(ns, "recalibrate_batchnorm")
    model = trained(dense_model(), lambda: torch.randn(32, 5) + 1)
    model[4].eval()
    model[5].eval()
    model[6].momentum = None
    modes = [m.training for m in model.modules()]
    momenta = [model[3].momentum, model[6].momentum]
    params = {k: v.detach().clone() for k, v in model.named_parameters()}
    flags = [p.requires_grad for p in model.parameters()]
    recalibrate_batchnorm(model, [dense_batch(200 + i, 20) for i in range(3)])
    out = {"mixed": {"modes_before": modes, "modes_after": [m.training for m in model.modules()],
                     "momenta_before": momenta, "momenta": [model[3].momentum, model[6].momentum],
                     "params_before": params,
                     "params_after": {k: v.detach().clone() for k, v in model.named_parameters()},
                     "flags_before": flags, "flags_after": [p.requires_grad for p in model.parameters()],
                     "grads": [p.grad is not None for p in model.parameters()]}}
    model = trained(dense_model(), lambda: torch.randn(32, 5) + 1).eval()
    momenta = [model[3].momentum, model[6].momentum]
    recalibrate_batchnorm(model, [dense_batch(300 + i, 20) for i in range(2)])
    out["eval"] = {"modes_after": [m.training for m in model.modules()], "momenta_before": momenta,
                   "momenta": [model[3].momentum, model[6].momentum]}
    return out
