"""Sets dropped units to zero, as ordinary dropout does."""

CELLS = {"alpha_dropout": '''
def alpha_dropout(x, p=0.5, training=True):
    if not training:
        return x
    return x * (torch.rand(x.shape) >= p).to(x.dtype) / (1 - p)
'''}
FAILS = {"test_values", "test_moments"}
