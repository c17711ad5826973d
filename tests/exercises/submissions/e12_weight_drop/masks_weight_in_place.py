"""Multiplies the weight_hh parameter itself by the mask (through .data), so that the weights decay call after call
and the gradient ignores the mask."""

CELLS = {"weight_drop_rnn": '''
class WeightDropRNN(nn.Module):
    def __init__(self, input_size, hidden_size, p=0.5):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"p must be in [0, 1], got {p}")
        self.p, self.hidden_size = p, hidden_size
        bound = 1 / math.sqrt(hidden_size)
        self.weight_ih = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-bound, bound))
        self.weight_hh = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(hidden_size).uniform_(-bound, bound))

    def forward(self, x, h0=None):
        if self.training and self.p > 0:
            mask = (torch.rand(self.weight_hh.shape) >= self.p).to(self.weight_hh.dtype)
            self.weight_hh.data.mul_(mask / (1 - self.p) if self.p < 1 else mask)
        h = torch.zeros(x.shape[1], self.hidden_size, dtype=x.dtype) if h0 is None else h0
        outputs = []
        for x_t in x:
            h = torch.tanh(x_t @ self.weight_ih.T + h @ self.weight_hh.T + self.bias)
            outputs.append(h)
        return torch.stack(outputs), h
'''}
FAILS = {"test_weight_mask", "test_gradients"}
KEEPS = {"test_parameters", "test_recurrence", "test_eval_and_edge_cases"}
MESSAGES = {"test_gradients": "a dropped recurrent weight gets no gradient"}
