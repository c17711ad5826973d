"""Flattens every pass's output to (N, features) before stacking them: an output with more than one dimension per
row comes back flattened."""

CELLS = {"mc_predict": '''
def mc_predict(model, x, n_samples=50):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.modules.dropout._DropoutNd):
            m.train()
    with torch.no_grad():
        samples = torch.stack([model(x).reshape(x.shape[0], -1) for _ in range(n_samples)])  # (T, N, features)
    for m, mode in modes:
        m.training = mode
    return samples.mean(0), samples.var(0, correction=0)
'''}
FAILS = {"test_defaults_and_shapes"}
KEEPS = {"test_mean_and_variance", "test_modes", "test_no_gradients"}
MESSAGES = {"test_defaults_and_shapes": "mean and var must have that shape too"}
