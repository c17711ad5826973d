"""Draws the weight mask once, in __init__, and reuses it in every forward call."""

CELLS = {"dropconnect_linear": '''
class DropConnectLinear(nn.Module):
    def __init__(self, in_features, out_features, p=0.5, bias=True):
        super().__init__()
        self.p = p
        lin = nn.Linear(in_features, out_features, bias=bias)
        self.weight, self.bias = lin.weight, lin.bias
        self.mask = torch.rand(out_features, in_features) >= p

    def forward(self, x):
        w = self.weight
        if self.training and self.p == 1:
            w = w * 0
        elif self.training and self.p > 0:
            w = w * self.mask.to(w.dtype) / (1 - self.p)
        out = x @ w.T
        return out + self.bias if self.bias is not None else out
'''}
FAILS = {"test_shared_mask"}
KEEPS = {"test_parameters", "test_eval_and_edge_cases", "test_shapes_and_gradients"}
MESSAGES = {"test_shared_mask": "new mask"}
