"""Initialises the weight with randn * 0.01 (a common habit) and the bias with zeros, not like nn.Linear."""

CELLS = {"dropconnect_linear": '''
class DropConnectLinear(nn.Module):
    def __init__(self, in_features, out_features, p=0.5, bias=True):
        super().__init__()
        self.p = p
        self.weight = nn.Parameter(torch.randn(out_features, in_features) * 0.01)
        self.bias = nn.Parameter(torch.zeros(out_features)) if bias else None

    def forward(self, x):
        weight = self.weight
        if self.training and self.p > 0:
            if self.p == 1:
                weight = torch.zeros_like(weight)
            else:
                weight = weight * (torch.rand(weight.shape) >= self.p).to(weight.dtype) / (1 - self.p)
        out = x @ weight.T
        return out + self.bias if self.bias is not None else out
'''}
FAILS = {"test_parameters"}
KEEPS = {"test_shared_mask", "test_eval_and_edge_cases", "test_shapes_and_gradients"}
MESSAGES = {"test_parameters": "initialise like nn.Linear"}
