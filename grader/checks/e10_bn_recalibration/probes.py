# Probes of e10_bn_recalibration (the shared helpers of probe_common.py come first).
from torch import nn


def probe_test_dropout_variance(ns):
    dropout_variance = need(ns, "dropout_variance")
    cases = [(0.0, 1.0, 0.5), (2.0, 0.5, 0.3), (-1.0, 3.0, 0.1), (0.5, 2.0, 0.0)]
    return {"cases": [list(c) for c in cases],
            "results": [[float(v) for v in dropout_variance(m, v, p)] for m, v, p in cases]}


def trained_model():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Dropout(0.5), nn.BatchNorm1d(16, momentum=0.3),
                          nn.Linear(16, 8), nn.Dropout(0.2), nn.BatchNorm1d(8))
    model.train()
    with torch.no_grad():
        for _ in range(10):
            model(torch.randn(32, 5) + 1)
    return model


def probe_test_recalibrated_statistics(ns):
    recalibrate_batchnorm = need(ns, "recalibrate_batchnorm")
    model = trained_model()
    state = {k: v.clone() for k, v in model.state_dict().items()}
    batches = [torch.randn(50, 5, generator=torch.Generator().manual_seed(i)) + 1 for i in range(4)]
    recalibrate_batchnorm(model, iter(batches))
    return {"state_before": state, "state_after": model.state_dict(), "batches": batches}


def probe_test_restores_everything(ns):
    recalibrate_batchnorm = need(ns, "recalibrate_batchnorm")
    model = trained_model()
    model[4].eval()
    model[6].momentum = None
    modes = [m.training for m in model.modules()]
    params = {k: v.detach().clone() for k, v in model.named_parameters()}
    recalibrate_batchnorm(model, [torch.randn(20, 5) for _ in range(3)])
    return {"modes_before": modes, "modes_after": [m.training for m in model.modules()],
            "momenta": [model[3].momentum, model[6].momentum], "params_before": params,
            "params_after": {k: v.detach() for k, v in model.named_parameters()}}
