"""Seeds the global generator inside the function "for reproducibility", so every call draws the same noise."""

CELLS = {"gaussian_dropout": '''
def gaussian_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    torch.manual_seed(0)
    std = math.sqrt(p / (1 - p))
    return x * (1 + std * torch.randn(x.shape, dtype=x.dtype))
'''}
FAILS = {"test_noise_is_gaussian"}
KEEPS = {"test_noise_moments", "test_eval_and_edge_cases"}
MESSAGES = {"test_noise_is_gaussian": "every call must draw new noise"}
