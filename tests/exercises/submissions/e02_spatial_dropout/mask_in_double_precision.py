"""Draws the mask in double precision, so that a float32 input comes back as float64."""

CELLS = {"spatial_dropout": '''
def spatial_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    shape = (x.shape[0], x.shape[1]) + (1,) * (x.ndim - 2)
    keep = torch.rand(shape, dtype=torch.float64) >= p
    return x * keep.double() / (1 - p)
'''}
FAILS = {"test_channel_masks", "test_eval_and_edge_cases"}
KEEPS = {"test_drop_fraction", "test_gradient"}
MESSAGES = {"test_eval_and_edge_cases": "the output must keep the input's dtype"}
