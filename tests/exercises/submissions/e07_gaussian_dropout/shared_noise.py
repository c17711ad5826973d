"""One noise value for the whole tensor instead of one per element, and noise in evaluation mode too."""

CELLS = {"gaussian_dropout": '''
def gaussian_dropout(x, p=0.5, training=True):
    if p == 0:
        return x
    return x * (1 + math.sqrt(p / (1 - p)) * torch.randn(1, dtype=x.dtype))
'''}
FAILS = {"test_noise_moments", "test_noise_is_gaussian", "test_eval_and_edge_cases"}
MESSAGES = {"test_noise_moments": "mean"}
