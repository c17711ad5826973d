"""A hand-written autograd Function whose backward returns the mask itself, forgetting to multiply by grad_output."""

CELLS = {"spatial_dropout": '''
class ChannelMask(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, mask):
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, grad_output):
        (mask,) = ctx.saved_tensors
        return mask.expand(grad_output.shape), None  # d(x * mask)/dx = mask


def spatial_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    shape = (x.shape[0], x.shape[1]) + (1,) * (x.ndim - 2)
    return ChannelMask.apply(x, (torch.rand(shape) >= p).to(x.dtype) / (1 - p))
'''}
FAILS = {"test_gradient"}
KEEPS = {"test_channel_masks", "test_drop_fraction", "test_eval_and_edge_cases"}
MESSAGES = {"test_gradient": "the upstream gradient times the channel mask"}
