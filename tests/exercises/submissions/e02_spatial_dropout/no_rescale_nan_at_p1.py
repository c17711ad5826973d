"""Forgets the 1/(1-p) scale, and divides by zero at p = 1."""

CELLS = {"spatial_dropout": '''
def spatial_dropout(x, p=0.5, training=True):
    if not training:
        return x
    shape = (x.shape[0], x.shape[1]) + (1,) * (x.ndim - 2)
    mask = (torch.rand(shape) >= p).to(x.dtype)
    return x * mask * ((1 - p) / (1 - p))
'''}
FAILS = {"test_channel_masks", "test_gradient", "test_eval_and_edge_cases"}
KEEPS = {"test_drop_fraction"}
