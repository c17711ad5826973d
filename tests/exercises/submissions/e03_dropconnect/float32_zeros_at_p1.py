"""At p = 1 uses torch.zeros(weight.shape), a float32 weight whatever the layer's dtype: a double layer then fails."""

CELLS = {"dropconnect_linear": '''
class DropConnectLinear(nn.Module):
    def __init__(self, in_features, out_features, p=0.5, bias=True):
        super().__init__()
        self.p = p
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.bias = nn.Parameter(torch.empty(out_features)) if bias else None
        bound = 1 / math.sqrt(in_features)
        nn.init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        weight = self.weight
        if self.training and self.p == 1:
            weight = torch.zeros(self.weight.shape)  # every weight dropped
        elif self.training and self.p > 0:
            weight = weight * (torch.rand(weight.shape) >= self.p).to(weight.dtype) / (1 - self.p)
        out = x @ weight.T
        return out + self.bias if self.bias is not None else out
'''}
FAILS = {"test_eval_and_edge_cases"}
KEEPS = {"test_parameters", "test_shared_mask", "test_shapes_and_gradients"}
MESSAGES = {"test_eval_and_edge_cases": "with p=1"}
