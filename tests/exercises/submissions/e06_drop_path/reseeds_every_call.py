"""Seeds the global generator inside the function "for reproducibility", so every call drops the same samples."""

CELLS = {"drop_path": '''
def drop_path(x, p=0.0, training=False, scale_by_keep=True):
    if not training or p == 0:
        return x
    torch.manual_seed(0)
    mask = (torch.rand((x.shape[0],) + (1,) * (x.ndim - 1)) >= p).to(x.dtype)
    if scale_by_keep and p < 1:
        mask = mask / (1 - p)
    return x * mask
''', "drop_path_rates": '''
def drop_path_rates(depth, max_rate):
    return [0.0] if depth == 1 else [max_rate * i / (depth - 1) for i in range(depth)]
'''}
FAILS = {"test_per_sample"}
KEEPS = {"test_eval_and_edge_cases", "test_rates", "test_gradient"}
MESSAGES = {"test_per_sample": "every call must draw new coins"}
