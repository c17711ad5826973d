"""Avoids the graph by switching off requires_grad on every parameter, and never switches it back; returns the
standard deviation instead of the variance."""

CELLS = {"mc_predict": '''
def mc_predict(model, x, n_samples=50):
    for param in model.parameters():
        param.requires_grad_(False)
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.train()
    samples = torch.stack([model(x.detach()) for _ in range(n_samples)])
    for m, mode in modes:
        m.train(mode)
    return samples.mean(0), samples.std(0, correction=0)
'''}
FAILS = {"test_no_gradients", "test_mean_and_variance"}
KEEPS = {"test_modes", "test_defaults_and_shapes"}
MESSAGES = {"test_no_gradients": "torch.no_grad()", "test_mean_and_variance": "standard deviation"}
