"""Drops the bias together with the weights, and forgets the scale."""

CELLS = {"dropconnect_linear": '''
class DropConnectLinear(nn.Module):
    def __init__(self, in_features, out_features, p=0.5, bias=True):
        super().__init__()
        self.p = p
        lin = nn.Linear(in_features, out_features, bias=bias)
        self.weight, self.bias = lin.weight, lin.bias

    def forward(self, x):
        if not self.training:
            return x @ self.weight.T + self.bias
        w = self.weight * (torch.rand(self.weight.shape) >= self.p).to(x.dtype)
        b = self.bias * (torch.rand(self.bias.shape) >= self.p).to(x.dtype)
        return x @ w.T + b
'''}
FAILS = {"test_shared_mask"}
KEEPS = {"test_eval_mode"}
