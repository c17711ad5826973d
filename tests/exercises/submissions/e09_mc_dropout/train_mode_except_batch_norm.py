"""Puts the whole model in training mode and then batch norm alone back in evaluation mode: the passes are right,
but every module other than batch norm (the linear layers too) is in training mode during them."""

CELLS = {"mc_predict": '''
def mc_predict(model, x, n_samples=50):
    modes = [(m, m.training) for m in model.modules()]
    model.train()
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
            m.eval()
    with torch.no_grad():
        samples = torch.stack([model(x) for _ in range(n_samples)])
    for m, mode in modes:
        m.training = mode
    return samples.mean(0), samples.var(0, correction=0)
'''}
FAILS = {"test_modes"}
KEEPS = {"test_mean_and_variance", "test_no_gradients", "test_defaults_and_shapes"}
MESSAGES = {"test_modes": "only the dropout modules may be in training mode"}
