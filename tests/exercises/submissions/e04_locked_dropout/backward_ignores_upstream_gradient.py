"""A hand-written autograd Function whose backward returns the mask itself, forgetting to multiply by grad_output."""

CELLS = {"locked_dropout": '''
class LockedMask(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, mask):
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, grad_output):
        (mask,) = ctx.saved_tensors
        return mask.expand(grad_output.shape), None  # d(x * mask)/dx = mask


class LockedDropout(nn.Module):
    def __init__(self, p=0.5, batch_first=False):
        super().__init__()
        self.p, self.batch_first = p, batch_first

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return torch.zeros_like(x)
        shape = (x.shape[0], 1, x.shape[2]) if self.batch_first else (1, x.shape[1], x.shape[2])
        return LockedMask.apply(x, (torch.rand(shape) >= self.p).to(x.dtype) / (1 - self.p))
'''}
FAILS = {"test_gradient"}
KEEPS = {"test_same_mask_over_time", "test_drop_fraction", "test_eval_and_edge_cases"}
MESSAGES = {"test_gradient": "the upstream gradient times the same mask"}
