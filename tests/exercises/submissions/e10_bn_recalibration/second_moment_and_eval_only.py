"""Returns the second moment as the training variance; recalibrates in eval mode, so batch norm never updates."""

CELLS = {
    "dropout_variance": '''
def dropout_variance(mean, var, p):
    return (mean ** 2 + var) / (1 - p), var
''',
    "recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    with torch.no_grad():
        for batch in batches:
            model(batch)
    for m, mode in modes:
        m.train(mode)
''',
}
FAILS = {"test_dropout_variance", "test_recalibrated_statistics"}
KEEPS = {"test_restores_everything"}
MESSAGES = {"test_dropout_variance": "second moment"}
