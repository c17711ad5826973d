"""Multiplies the input in place and returns it."""

CELLS = {"spatial_dropout": '''
def spatial_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    shape = (x.shape[0], x.shape[1]) + (1,) * (x.ndim - 2)
    return x.mul_((torch.rand(shape) >= p).to(x.dtype) / (1 - p))
'''}
FAILS = {"test_channel_masks", "test_gradient"}
KEEPS = {"test_drop_fraction", "test_eval_and_edge_cases"}
MESSAGES = {"test_channel_masks": "must not modify its input"}
