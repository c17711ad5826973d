"""Scales the survivors by 1/p instead of 1/(1-p)."""

CELLS = {"locked_dropout": '''
class LockedDropout(nn.Module):
    def __init__(self, p=0.5, batch_first=False):
        super().__init__()
        self.p, self.batch_first = p, batch_first

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        shape = (x.shape[0], 1, x.shape[2]) if self.batch_first else (1, x.shape[1], x.shape[2])
        return x * (torch.rand(shape) >= self.p).to(x.dtype) / self.p
'''}
FAILS = {"test_same_mask_over_time", "test_gradient"}
KEEPS = {"test_drop_fraction", "test_eval_and_edge_cases"}
MESSAGES = {"test_same_mask_over_time": "not 1/p"}
