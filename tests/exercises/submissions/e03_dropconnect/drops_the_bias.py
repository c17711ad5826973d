"""Drops the bias together with the weights."""

CELLS = {"dropconnect_linear": '''
class DropConnectLinear(nn.Module):
    def __init__(self, in_features, out_features, p=0.5, bias=True):
        super().__init__()
        self.p = p
        lin = nn.Linear(in_features, out_features, bias=bias)
        self.weight, self.bias = lin.weight, lin.bias

    def forward(self, x):
        w, b = self.weight, self.bias
        if self.training and self.p == 1:
            w, b = w * 0, (None if b is None else b * 0)
        elif self.training and self.p > 0:
            w = w * (torch.rand(w.shape) >= self.p).to(w.dtype) / (1 - self.p)
            if b is not None:
                b = b * (torch.rand(b.shape) >= self.p).to(b.dtype) / (1 - self.p)
        out = x @ w.T
        return out if b is None else out + b
'''}
FAILS = {"test_shared_mask", "test_shapes_and_gradients"}
KEEPS = {"test_parameters"}
MESSAGES = {"test_shared_mask": "the bias is never dropped"}
