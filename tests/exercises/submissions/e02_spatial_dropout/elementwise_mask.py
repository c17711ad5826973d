"""Drops single elements instead of whole feature maps."""

CELLS = {"spatial_dropout": '''
def spatial_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    return x * (torch.rand(x.shape) >= p).to(x.dtype) / (1 - p)
'''}
FAILS = {"test_channel_masks"}
KEEPS = {"test_drop_fraction", "test_gradient", "test_eval_and_edge_cases"}
MESSAGES = {"test_channel_masks": "as a whole"}
