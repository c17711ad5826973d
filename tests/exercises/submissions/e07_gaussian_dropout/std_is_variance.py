"""Uses p/(1-p) as the standard deviation instead of the variance."""

CELLS = {"gaussian_dropout": '''
def gaussian_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    return x * (1 + (p / (1 - p)) * torch.randn(x.shape, dtype=x.dtype))
'''}
FAILS = {"test_noise_moments"}
KEEPS = {"test_noise_is_gaussian", "test_eval_and_edge_cases"}
MESSAGES = {"test_noise_moments": "standard deviation is sqrt"}
