"""Everything right except the variance: the unbiased sample variance (divided by n_samples - 1)."""

CELLS = {"mc_predict": '''
def mc_predict(model, x, n_samples=50):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.train()
    with torch.no_grad():
        samples = torch.stack([model(x) for _ in range(n_samples)])
    for m, mode in modes:
        m.train(mode)
    return samples.mean(0), samples.var(0)
'''}
FAILS = {"test_mean_and_variance"}
KEEPS = {"test_modes", "test_no_gradients", "test_defaults_and_shapes"}
MESSAGES = {"test_mean_and_variance": "not n_samples - 1"}
