"""One mask entry per output unit (a row of the weight), shared by the whole batch: whole rows are dropped together."""

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
        if self.training and self.p > 0:
            if self.p == 1:
                weight = torch.zeros_like(weight)
            else:
                mask = (torch.rand(weight.shape[0], 1) >= self.p).to(weight.dtype)
                weight = weight * mask / (1 - self.p)
        out = x @ weight.T
        return out + self.bias if self.bias is not None else out
'''}
FAILS = {"test_shared_mask"}
KEEPS = {"test_parameters", "test_eval_and_edge_cases", "test_shapes_and_gradients"}
MESSAGES = {"test_shared_mask": "every weight needs its own mask entry"}
