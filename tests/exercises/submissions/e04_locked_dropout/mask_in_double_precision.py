"""Draws the mask in double precision, so that a float32 input comes back as float64."""

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
        keep = torch.rand(shape, dtype=torch.float64) >= self.p
        return x * keep.double() / (1 - self.p)
'''}
FAILS = {"test_eval_and_edge_cases"}
KEEPS = {"test_same_mask_over_time", "test_drop_fraction", "test_gradient"}
MESSAGES = {"test_eval_and_edge_cases": "the output must keep the input's dtype"}
