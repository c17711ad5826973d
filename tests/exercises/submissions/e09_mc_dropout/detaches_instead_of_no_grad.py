"""Detaches every pass's output instead of running the passes under torch.no_grad(): a graph is built each time."""

CELLS = {"mc_predict": '''
def mc_predict(model, x, n_samples=50):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.modules.dropout._DropoutNd):
            m.train()
    samples = torch.stack([model(x).detach() for _ in range(n_samples)])
    for m, mode in modes:
        m.training = mode
    return samples.mean(0), samples.var(0, correction=0)
'''}
FAILS = {"test_no_gradients"}
KEEPS = {"test_mean_and_variance", "test_modes", "test_defaults_and_shapes"}
MESSAGES = {"test_no_gradients": "run the passes under torch.no_grad()"}
