"""Drops single elements instead of whole feature maps."""

CELLS = {"spatial_dropout": '''
def spatial_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    return x * (torch.rand(x.shape) >= p).to(x.dtype) / (1 - p)
'''}
FAILS = {"test_channel_masks", "test_drop_fraction"}
