"""Drops exactly round(p * C) channels of every sample, chosen by randperm: the count is fixed instead of random."""

CELLS = {"spatial_dropout": '''
def spatial_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    n, c = x.shape[0], x.shape[1]
    mask = torch.ones(n, c, dtype=x.dtype)
    for i in range(n):
        dropped = torch.randperm(c)[:round(p * c)]
        mask[i, dropped] = 0
    return x * mask.reshape((n, c) + (1,) * (x.ndim - 2)) / (1 - p)
'''}
FAILS = {"test_drop_fraction"}
KEEPS = {"test_channel_masks", "test_gradient", "test_eval_and_edge_cases"}
MESSAGES = {"test_drop_fraction": "but should be close to"}
