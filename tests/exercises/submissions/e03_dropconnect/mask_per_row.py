"""A new weight mask for every row of the batch instead of one mask per call."""

CELLS = {"dropconnect_linear": '''
class DropConnectLinear(nn.Module):
    def __init__(self, in_features, out_features, p=0.5, bias=True):
        super().__init__()
        self.p = p
        lin = nn.Linear(in_features, out_features, bias=bias)
        self.weight, self.bias = lin.weight, lin.bias

    def forward(self, x):
        if not self.training or self.p == 0:
            out = x @ self.weight.T
        elif self.p == 1:
            out = x @ (self.weight * 0).T
        else:
            masks = (torch.rand(x.shape[:-1] + self.weight.shape) >= self.p).to(x.dtype) / (1 - self.p)
            out = torch.einsum("...i,...oi->...o", x, masks * self.weight)
        return out + self.bias if self.bias is not None else out
'''}
FAILS = {"test_shared_mask"}
KEEPS = {"test_parameters", "test_eval_and_edge_cases", "test_shapes_and_gradients"}
MESSAGES = {"test_shared_mask": "equal input rows must give equal outputs"}
