"""Right in every respect but the default: n_samples=10 instead of 50."""

CELLS = {"mc_predict": '''
def mc_predict(model, x, n_samples=10):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    for m in model.modules():
        if isinstance(m, (nn.Dropout, nn.Dropout1d, nn.Dropout2d)):
            m.train()
    with torch.no_grad():
        samples = torch.stack([model(x) for _ in range(n_samples)])
    for m, mode in modes:
        m.train(mode)
    return samples.mean(0), (samples ** 2).mean(0) - samples.mean(0) ** 2
'''}
FAILS = {"test_defaults_and_shapes"}
KEEPS = {"test_mean_and_variance", "test_modes", "test_no_gradients"}
MESSAGES = {"test_defaults_and_shapes": "n_samples=50"}
