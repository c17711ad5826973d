"""Ordinary dropout on the layer's outputs, which is not DropConnect."""

CELLS = {"dropconnect_linear": '''
class DropConnectLinear(nn.Module):
    def __init__(self, in_features, out_features, p=0.5, bias=True):
        super().__init__()
        self.p = p
        lin = nn.Linear(in_features, out_features, bias=bias)
        self.weight, self.bias = lin.weight, lin.bias

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        if not self.training or self.p == 0:
            return out
        if self.p == 1:
            return out * 0
        return out * (torch.rand(out.shape) >= self.p).to(out.dtype) / (1 - self.p)
'''}
FAILS = {"test_shared_mask"}
KEEPS = {"test_parameters"}
MESSAGES = {"test_shared_mask": "shared by the batch"}
