"""Initialises the weight from a standard normal distribution and the bias with zeros, unlike nn.Linear."""

CELLS = {"dropconnect_linear": '''
class DropConnectLinear(nn.Module):
    def __init__(self, in_features, out_features, p=0.5, bias=True):
        super().__init__()
        self.p = p
        self.weight = nn.Parameter(torch.randn(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features)) if bias else None

    def forward(self, x):
        w = self.weight
        if self.training and self.p == 1:
            w = w * 0
        elif self.training and self.p > 0:
            w = w * (torch.rand(w.shape) >= self.p).to(w.dtype) / (1 - self.p)
        out = x @ w.T
        return out + self.bias if self.bias is not None else out
'''}
FAILS = {"test_parameters"}
KEEPS = {"test_shared_mask", "test_eval_and_edge_cases", "test_shapes_and_gradients"}
MESSAGES = {"test_parameters": "initialise like nn.Linear"}
