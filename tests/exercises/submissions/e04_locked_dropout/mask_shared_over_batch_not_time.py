"""Confuses the dimensions: one mask per time step shared by the whole batch, instead of one per sequence."""

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
        shape = (1, x.shape[1], x.shape[2]) if self.batch_first else (x.shape[0], 1, x.shape[2])
        return x * (torch.rand(shape) >= self.p).to(x.dtype) / (1 - self.p)
'''}
FAILS = {"test_same_mask_over_time", "test_drop_fraction"}
KEEPS = {"test_gradient", "test_eval_and_edge_cases"}
MESSAGES = {"test_same_mask_over_time": "every time step"}
