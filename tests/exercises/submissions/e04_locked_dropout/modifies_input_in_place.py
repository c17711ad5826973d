"""Multiplies the input by the mask in place (x.mul_) and returns it."""

CELLS = {"locked_dropout": '''
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
        return x.mul_((torch.rand(shape) >= self.p).to(x.dtype) / (1 - self.p))  # no copy of a long sequence
'''}
FAILS = {"test_same_mask_over_time", "test_gradient"}
KEEPS = {"test_drop_fraction", "test_eval_and_edge_cases"}
MESSAGES = {"test_same_mask_over_time": "must not modify its input"}
