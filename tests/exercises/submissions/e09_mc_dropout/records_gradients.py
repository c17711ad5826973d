"""Right modes and statistics, but builds a graph on every pass and forgets the mixed starting state."""

CELLS = {"mc_predict": '''
def mc_predict(model, x, n_samples=50):
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.train()
    samples = torch.stack([model(x) for _ in range(n_samples)])
    model.eval()
    return samples.mean(0), samples.var(0, correction=0)
'''}
FAILS = {"test_no_gradients", "test_modes"}
KEEPS = {"test_mean_and_variance", "test_defaults_and_shapes"}
