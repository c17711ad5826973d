"""Multiplies the weight parameter itself by the mask, destroying the weights a little more at every call."""

CELLS = {"dropconnect_linear": '''
class DropConnectLinear(nn.Module):
    def __init__(self, in_features, out_features, p=0.5, bias=True):
        super().__init__()
        self.p = p
        lin = nn.Linear(in_features, out_features, bias=bias)
        self.weight, self.bias = lin.weight, lin.bias

    def forward(self, x):
        if self.training and self.p == 1:
            self.weight.data.zero_()
        elif self.training and self.p > 0:
            mask = (torch.rand(self.weight.shape) >= self.p).to(self.weight.dtype)
            self.weight.data.mul_(mask / (1 - self.p))
        out = x @ self.weight.T
        return out + self.bias if self.bias is not None else out
'''}
FAILS = {"test_shared_mask", "test_shapes_and_gradients"}
KEEPS = {"test_parameters", "test_eval_and_edge_cases"}
MESSAGES = {"test_shared_mask": "must not change the"}
