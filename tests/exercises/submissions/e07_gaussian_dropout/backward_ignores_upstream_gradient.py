"""A hand-written autograd Function whose backward returns the noise itself, forgetting to multiply by grad_output."""

CELLS = {"gaussian_dropout": '''
class TimesNoise(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, noise):
        ctx.save_for_backward(noise)
        return x * noise

    @staticmethod
    def backward(ctx, grad_output):
        (noise,) = ctx.saved_tensors
        return noise, None  # d(x * noise)/dx = noise


def gaussian_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    std = math.sqrt(p / (1 - p))
    return TimesNoise.apply(x, 1 + std * torch.randn(x.shape, dtype=x.dtype))
'''}
FAILS = {"test_eval_and_edge_cases"}
KEEPS = {"test_noise_moments", "test_noise_is_gaussian"}
MESSAGES = {"test_eval_and_edge_cases": "the upstream gradient times the noise"}
