"""Adds the noise instead of multiplying by it."""

CELLS = {"gaussian_dropout": '''
def gaussian_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    return x + math.sqrt(p / (1 - p)) * torch.randn(x.shape, dtype=x.dtype)
'''}
FAILS = {"test_noise_moments", "test_noise_is_gaussian", "test_eval_and_edge_cases"}
MESSAGES = {"test_noise_is_gaussian": "multiply x"}
