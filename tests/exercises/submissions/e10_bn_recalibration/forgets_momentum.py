"""Uses the layers' momentum (an exponential average, not the cumulative one) and leaves momentum at None."""

CELLS = {
    "dropout_variance": '''
def dropout_variance(mean, var, p):
    return (mean ** 2 + var) / (1 - p) - mean ** 2, var
''',
    "recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            m.reset_running_stats()
            m.train()
    with torch.no_grad():
        for batch in batches:
            model(batch)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            m.momentum = None
    for m, mode in modes:
        m.training = mode
''',
}
FAILS = {"test_recalibrated_statistics", "test_restores_everything"}
KEEPS = {"test_dropout_variance"}
MESSAGES = {"test_restores_everything": "momentum must be restored"}
