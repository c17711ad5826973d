"""Never resets the running statistics, so the cumulative average goes on from the old, dropout-inflated ones."""

CELLS = {
    "dropout_variance": '''
def dropout_variance(mean, var, p):
    return (mean ** 2 + var) / (1 - p) - mean ** 2, var
''',
    "recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, batches):
    norms = [m for m in model.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d))]
    modes = [(m, m.training) for m in model.modules()]
    momenta = [m.momentum for m in norms]
    model.eval()
    for bn in norms:
        bn.momentum = None
        bn.train()
    with torch.no_grad():
        for batch in batches:
            model(batch)
    for bn, momentum in zip(norms, momenta):
        bn.momentum = momentum
    for m, mode in modes:
        m.train(mode)
''',
}
FAILS = {"test_recalibrated_statistics"}
KEEPS = {"test_dropout_variance", "test_restores_everything"}
MESSAGES = {"test_recalibrated_statistics": "reset"}
