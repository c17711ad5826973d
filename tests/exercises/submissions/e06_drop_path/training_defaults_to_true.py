"""Gives training the default True, so that drop_path(x, p) drops branches even at inference."""

CELLS = {
    "drop_path": '''
def drop_path(x, p=0.0, training=True, scale_by_keep=True):
    if not training or p == 0:
        return x
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)
    mask = (torch.rand(shape) >= p).to(x.dtype)
    return x * mask / (1 - p) if scale_by_keep and p < 1 else x * mask
''',
    "drop_path_rates": '''
def drop_path_rates(depth, max_rate):
    return [0.0] if depth == 1 else [max_rate * i / (depth - 1) for i in range(depth)]
''',
}
FAILS = {"test_eval_and_edge_cases"}
KEEPS = {"test_per_sample", "test_rates", "test_gradient"}
MESSAGES = {"test_eval_and_edge_cases": "training defaults to False"}
