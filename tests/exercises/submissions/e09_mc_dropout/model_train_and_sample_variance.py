"""Calls model.train() (batch norm too), uses the sample variance and never restores the modes."""

CELLS = {"mc_predict": '''
def mc_predict(model, x, n_samples=50):
    model.train()
    with torch.no_grad():
        samples = torch.stack([model(x) for _ in range(n_samples)])
    return samples.mean(0), samples.var(0)
'''}
FAILS = {"test_modes", "test_mean_and_variance"}
