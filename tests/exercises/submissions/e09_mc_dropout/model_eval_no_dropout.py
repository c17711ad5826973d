"""Keeps the model in eval() and expects dropout to stay active: every pass is the same."""

CELLS = {"mc_predict": '''
def mc_predict(model, x, n_samples=50):
    was = model.training
    model.eval()
    with torch.no_grad():
        samples = torch.stack([model(x) for _ in range(n_samples)])
    model.train(was)
    return samples.mean(0), samples.var(0, correction=0)
'''}
FAILS = {"test_mean_and_variance", "test_modes"}
KEEPS = {"test_no_gradients"}
MESSAGES = {"test_mean_and_variance": "model.eval() switches it off"}
