"""Scales the kept weights by 1/p instead of 1/(1-p)."""

CELLS = {"dropconnect_linear": '''
class DropConnectLinear(nn.Module):
    def __init__(self, in_features, out_features, p=0.5, bias=True):
        super().__init__()
        self.p = p
        lin = nn.Linear(in_features, out_features, bias=bias)
        self.weight, self.bias = lin.weight, lin.bias

    def forward(self, x):
        w = self.weight
        if self.training and self.p > 0:
            w = w * (torch.rand(w.shape) >= self.p).to(w.dtype) / self.p
        out = x @ w.T
        return out + self.bias if self.bias is not None else out
'''}
FAILS = {"test_shared_mask"}
KEEPS = {"test_parameters", "test_eval_and_edge_cases"}
MESSAGES = {"test_shared_mask": "not 1/p"}
