"""Always shares the mask over dimension 0, even when batch_first puts the batch there."""

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
        mask = (torch.rand(1, x.shape[1], x.shape[2]) >= self.p).to(x.dtype)
        return x * mask / (1 - self.p)
'''}
FAILS = {"test_same_mask_over_time"}
KEEPS = {"test_drop_fraction", "test_gradient", "test_eval_and_edge_cases"}
MESSAGES = {"test_same_mask_over_time": "batch_first"}
