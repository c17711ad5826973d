"""Calls model.train() for the passes, so batch norm normalizes with batch statistics; restores the modes well."""

CELLS = {"mc_predict": '''
def mc_predict(model, x, n_samples=50):
    modes = [(m, m.training) for m in model.modules()]
    model.train()
    with torch.no_grad():
        samples = torch.stack([model(x) for _ in range(n_samples)])
    for m, mode in modes:
        m.train(mode)
    return samples.mean(0), samples.var(0, correction=0)
'''}
FAILS = {"test_mean_and_variance", "test_modes"}
KEEPS = {"test_no_gradients", "test_defaults_and_shapes"}
MESSAGES = {"test_mean_and_variance": "running statistics", "test_modes": "batch norm must stay in evaluation mode"}
