"""The rate rule divides by depth instead of depth - 1, so the last block never reaches max_rate."""

CELLS = {
    "drop_path": '''
def drop_path(x, p=0.0, training=False, scale_by_keep=True):
    if not training or p == 0:
        return x
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)
    mask = (torch.rand(shape) >= p).to(x.dtype)
    return x * mask / (1 - p) if scale_by_keep and p < 1 else x * mask
''',
    "drop_path_rates": '''
def drop_path_rates(depth, max_rate):
    return [max_rate * i / depth for i in range(depth)]
''',
}
FAILS = {"test_rates"}
KEEPS = {"test_per_sample", "test_eval_and_edge_cases", "test_gradient"}
MESSAGES = {"test_rates": "depth - 1"}
