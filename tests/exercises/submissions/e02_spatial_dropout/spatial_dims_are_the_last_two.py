"""Takes the spatial dimensions to be the last two (H, W), whatever the input's rank: right for images only."""

CELLS = {"spatial_dropout": '''
def spatial_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = (torch.rand(x.shape[:-2] + (1, 1)) >= p).to(x.dtype)  # one entry per (H, W) map
    return x * mask / (1 - p)
'''}
FAILS = {"test_channel_masks", "test_drop_fraction"}
KEEPS = {"test_gradient", "test_eval_and_edge_cases"}
MESSAGES = {"test_channel_masks": "each feature map (one sample, one channel) must be kept or dropped as a whole"}
