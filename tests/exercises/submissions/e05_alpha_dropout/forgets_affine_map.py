"""Sets dropped units to alpha' but forgets the affine correction a, b."""

CELLS = {"alpha_dropout": '''
def alpha_dropout(x, p=0.5, training=True):
    if not training:
        return x
    keep = (torch.rand(x.shape) >= p).to(x.dtype)
    return x * keep + (-1.7580993408473766) * (1 - keep)
'''}
FAILS = {"test_values", "test_moments"}
