"""Draws noise for the last dimension only, so every row of a batch gets the same noise."""

CELLS = {"gaussian_dropout": '''
def gaussian_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    return x * (1 + math.sqrt(p / (1 - p)) * torch.randn(x.shape[-1], dtype=x.dtype))
'''}
FAILS = {"test_noise_is_gaussian"}
KEEPS = {"test_noise_moments", "test_eval_and_edge_cases"}
MESSAGES = {"test_noise_is_gaussian": "every element needs its own noise"}
