"""One channel mask shared by every sample of the batch."""

CELLS = {"spatial_dropout": '''
def spatial_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    return x * (torch.rand(shape) >= p).to(x.dtype) / (1 - p)
'''}
FAILS = {"test_drop_fraction"}
KEEPS = {"test_channel_masks", "test_gradient", "test_eval_and_edge_cases"}
MESSAGES = {"test_drop_fraction": "each sample needs its own mask"}
