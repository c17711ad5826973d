"""One coin for the whole batch: every sample skips the block together."""

CELLS = {
    "drop_path": '''
def drop_path(x, p=0.0, training=False, scale_by_keep=True):
    if not training or p == 0:
        return x
    keep = float(torch.rand(()) >= p)
    return x * keep / (1 - p) if scale_by_keep and p < 1 else x * keep
''',
    "drop_path_rates": '''
def drop_path_rates(depth, max_rate):
    return [0.0] if depth == 1 else [max_rate * i / (depth - 1) for i in range(depth)]
''',
}
FAILS = {"test_per_sample"}
KEEPS = {"test_eval_and_edge_cases", "test_rates"}
MESSAGES = {"test_per_sample": "each sample needs its own coin"}
