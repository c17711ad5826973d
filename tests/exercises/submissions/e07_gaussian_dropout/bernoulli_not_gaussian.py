"""Inverted Bernoulli dropout: the right mean and variance, but not Gaussian."""

CELLS = {"gaussian_dropout": '''
def gaussian_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    return x * (torch.rand(x.shape) >= p).to(x.dtype) / (1 - p)
'''}
FAILS = {"test_noise_is_gaussian"}
KEEPS = {"test_noise_moments"}
MESSAGES = {"test_noise_is_gaussian": "drops nothing"}
