"""Right passes, but restores the modes with model.train(was), which sets every module alike."""

CELLS = {"mc_predict": '''
def mc_predict(model, x, n_samples=50):
    was_training = model.training
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.train()
    with torch.no_grad():
        samples = torch.stack([model(x) for _ in range(n_samples)])
    model.train(was_training)
    return samples.mean(0), samples.var(0, correction=0)
'''}
FAILS = {"test_modes"}
KEEPS = {"test_mean_and_variance", "test_no_gradients", "test_defaults_and_shapes"}
MESSAGES = {"test_modes": "model.train(was)"}
