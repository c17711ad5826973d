"""Scales the surviving feature maps by 1/p instead of 1/(1-p)."""

CELLS = {"spatial_dropout": '''
def spatial_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    shape = (x.shape[0], x.shape[1]) + (1,) * (x.ndim - 2)
    return x * (torch.rand(shape) >= p).to(x.dtype) / p
'''}
FAILS = {"test_channel_masks", "test_gradient"}
KEEPS = {"test_drop_fraction", "test_eval_and_edge_cases"}
MESSAGES = {"test_channel_masks": "not 1/p"}
