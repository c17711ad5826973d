"""Ignores scale_by_keep: kept samples are always scaled by 1/(1-p)."""

CELLS = {
    "drop_path": '''
def drop_path(x, p=0.0, training=False, scale_by_keep=True):
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)
    return x * (torch.rand(shape) >= p).to(x.dtype) / (1 - p)
''',
    "drop_path_rates": '''
def drop_path_rates(depth, max_rate):
    return [0.0] if depth == 1 else [max_rate * i / (depth - 1) for i in range(depth)]
''',
}
FAILS = {"test_per_sample"}
KEEPS = {"test_eval_and_edge_cases", "test_rates", "test_gradient"}
MESSAGES = {"test_per_sample": "scale_by_keep=False"}
