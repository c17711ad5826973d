"""Checks the rate with 0 < p < 1 and so refuses p = 0, which the docstring allows (no dropout at all)."""

CELLS = {"dropout_variance": '''
def dropout_variance(mean, var, p):
    if not 0 < p < 1:
        raise ValueError(f"p must be in (0, 1), got {p}")
    return (mean * mean + var) / (1 - p) - mean * mean, var
''', "recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, batches):
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    modes = [(m, m.training) for m in model.modules()]
    momenta = [m.momentum for m in norms]
    model.eval()
    for bn in norms:
        bn.reset_running_stats()
        bn.momentum = None
        bn.train()
    with torch.no_grad():
        for batch in batches:
            model(batch)
    for bn, momentum in zip(norms, momenta):
        bn.momentum = momentum
    for m, mode in modes:
        m.training = mode
'''}
FAILS = {"test_dropout_variance"}
KEEPS = {"test_recalibrated_statistics", "test_restores_everything"}
MESSAGES = {"test_dropout_variance": "raised ValueError"}
