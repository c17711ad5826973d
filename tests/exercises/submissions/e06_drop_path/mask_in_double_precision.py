"""Draws the mask in double precision, so that a float32 input comes back as float64."""

CELLS = {"drop_path": '''
def drop_path(x, p=0.0, training=False, scale_by_keep=True):
    if not training or p == 0:
        return x
    keep = torch.rand((x.shape[0],) + (1,) * (x.ndim - 1), dtype=torch.float64) >= p
    mask = keep.double()
    if scale_by_keep and p < 1:
        mask = mask / (1 - p)
    return x * mask
''', "drop_path_rates": '''
def drop_path_rates(depth, max_rate):
    return [0.0] if depth == 1 else [max_rate * i / (depth - 1) for i in range(depth)]
'''}
FAILS = {"test_per_sample", "test_eval_and_edge_cases"}
KEEPS = {"test_rates", "test_gradient"}
MESSAGES = {"test_eval_and_edge_cases": "the output must keep the input's dtype"}
