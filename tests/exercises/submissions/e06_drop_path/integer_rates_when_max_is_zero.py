"""Takes a shortcut when nothing is dropped: [0] * depth, a list of ints instead of floats."""

CELLS = {"drop_path": '''
def drop_path(x, p=0.0, training=False, scale_by_keep=True):
    if not training or p == 0:
        return x
    mask = (torch.rand((x.shape[0],) + (1,) * (x.ndim - 1)) >= p).to(x.dtype)
    if scale_by_keep and p < 1:
        mask = mask / (1 - p)
    return x * mask
''', "drop_path_rates": '''
def drop_path_rates(depth, max_rate):
    if depth == 1 or max_rate == 0:
        return [0] * depth  # no block is ever dropped
    return [max_rate * i / (depth - 1) for i in range(depth)]
'''}
FAILS = {"test_rates"}
KEEPS = {"test_per_sample", "test_eval_and_edge_cases", "test_gradient"}
MESSAGES = {"test_rates": "Python floats even when max_rate is 0"}
