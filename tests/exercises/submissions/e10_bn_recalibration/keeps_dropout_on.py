"""Re-estimates the statistics in training mode (dropout on), forgets the mean in the variance formula."""

CELLS = {
    "dropout_variance": '''
def dropout_variance(mean, var, p):
    return var / (1 - p), var
''',
    "recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, batches):
    was = model.training
    model.train()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            m.reset_running_stats()
    with torch.no_grad():
        for batch in batches:
            model(batch)
    model.train(was)
''',
}
FAILS = {"test_dropout_variance", "test_recalibrated_statistics"}
MESSAGES = {"test_recalibrated_statistics": "dropout off"}
