"""Calls reset_parameters() instead of reset_running_stats(): the statistics are right, but batch norm's learned
affine weight and bias are reset to 1 and 0."""

CELLS = {"dropout_variance": '''
def dropout_variance(mean, var, p):
    return (mean * mean + var) / (1 - p) - mean * mean, var
''', "recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, batches):
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    modes = [(m, m.training) for m in model.modules()]
    momenta = [m.momentum for m in norms]
    model.eval()
    for bn in norms:
        bn.reset_parameters()  # a fresh start for the layer
        bn.momentum = None
        bn.train()
    with torch.no_grad():
        for batch in batches:
            model(batch)
    for bn, momentum in zip(norms, momenta):
        bn.momentum = momentum
    for m, mode in modes:
        m.training = mode'''}
FAILS = {"test_recalibrated_statistics", "test_restores_everything"}
KEEPS = {"test_dropout_variance"}
MESSAGES = {"test_recalibrated_statistics": "must not change the parameters",
            "test_restores_everything": "recalibration must not train parameters"}
