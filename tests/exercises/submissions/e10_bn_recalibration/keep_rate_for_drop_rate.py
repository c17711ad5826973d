"""Divides by p, the drop rate, instead of the keep probability 1-p; the recalibration is right."""

CELLS = {
    "dropout_variance": '''
def dropout_variance(mean, var, p):
    return (mean ** 2 + var) / p - mean ** 2, var
''',
    "recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, batches):
    norms = [m for m in model.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d))]
    modes = [(m, m.training) for m in model.modules()]
    momenta = [m.momentum for m in norms]
    try:
        model.eval()
        for bn in norms:
            bn.reset_running_stats()
            bn.momentum = None
            bn.train()
        with torch.no_grad():
            for batch in batches:
                model(batch)
    finally:
        for bn, momentum in zip(norms, momenta):
            bn.momentum = momentum
        for m, mode in modes:
            m.train(mode)
''',
}
FAILS = {"test_dropout_variance"}
KEEPS = {"test_recalibrated_statistics", "test_restores_everything"}
MESSAGES = {"test_dropout_variance": "keep probability 1-p"}
