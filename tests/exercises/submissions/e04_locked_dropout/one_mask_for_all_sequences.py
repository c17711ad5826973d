"""One feature mask shared by every sequence of the batch, and applied in evaluation mode too."""

CELLS = {"locked_dropout": '''
class LockedDropout(nn.Module):
    def __init__(self, p=0.5, batch_first=False):
        super().__init__()
        self.p, self.batch_first = p, batch_first

    def forward(self, x):
        if self.p == 1:
            return torch.zeros_like(x)
        mask = (torch.rand(x.shape[2]) >= self.p).to(x.dtype)
        return x * mask / (1 - self.p)
'''}
FAILS = {"test_drop_fraction", "test_eval_and_edge_cases"}
KEEPS = {"test_same_mask_over_time", "test_gradient"}
MESSAGES = {"test_drop_fraction": "each sequence needs its own mask"}
