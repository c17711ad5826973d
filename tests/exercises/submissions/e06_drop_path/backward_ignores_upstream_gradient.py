"""A hand-written autograd Function whose backward returns the mask itself, forgetting to multiply by grad_output."""

CELLS = {"drop_path": '''
class SampleMask(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, mask):
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, grad_output):
        (mask,) = ctx.saved_tensors
        return mask.expand(grad_output.shape), None  # d(x * mask)/dx = mask


def drop_path(x, p=0.0, training=False, scale_by_keep=True):
    if not training or p == 0:
        return x
    mask = (torch.rand((x.shape[0],) + (1,) * (x.ndim - 1)) >= p).to(x.dtype)
    if scale_by_keep and p < 1:
        mask = mask / (1 - p)
    return SampleMask.apply(x, mask)
''', "drop_path_rates": '''
def drop_path_rates(depth, max_rate):
    return [0.0] if depth == 1 else [max_rate * i / (depth - 1) for i in range(depth)]
'''}
FAILS = {"test_gradient"}
KEEPS = {"test_per_sample", "test_eval_and_edge_cases", "test_rates"}
MESSAGES = {"test_gradient": "the upstream gradient times the same mask"}
