"""One coin per sample, shared by all its channels: drops whole samples instead of feature maps."""

CELLS = {"spatial_dropout": '''
def spatial_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)
    return x * (torch.rand(shape) >= p).to(x.dtype) / (1 - p)
'''}
FAILS = {"test_drop_fraction"}
KEEPS = {"test_channel_masks", "test_gradient", "test_eval_and_edge_cases"}
MESSAGES = {"test_drop_fraction": "each channel needs its own mask entry"}
