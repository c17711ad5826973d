"""Refuses p > 1 but lets a negative p through."""

CELLS = {"weight_drop_rnn": '''
class WeightDropRNN(nn.Module):
    def __init__(self, input_size, hidden_size, p=0.5):
        super().__init__()
        if p > 1:
            raise ValueError(f"p must be at most 1, got {p}")
        self.p, self.hidden_size = p, hidden_size
        bound = 1 / math.sqrt(hidden_size)
        self.weight_ih = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-bound, bound))
        self.weight_hh = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(hidden_size).uniform_(-bound, bound))

    def forward(self, x, h0=None):
        w = self.weight_hh
        if self.training and self.p > 0:
            w = w * (torch.rand(w.shape) >= self.p).to(w.dtype)
            if self.p < 1:
                w = w / (1 - self.p)
        h = torch.zeros(x.shape[1], self.hidden_size, dtype=x.dtype) if h0 is None else h0
        outputs = []
        for x_t in x:
            h = torch.tanh(x_t @ self.weight_ih.T + h @ w.T + self.bias)
            outputs.append(h)
        return torch.stack(outputs), h
'''}
FAILS = {"test_eval_and_edge_cases"}
KEEPS = {"test_parameters", "test_recurrence", "test_weight_mask", "test_gradients"}
MESSAGES = {"test_eval_and_edge_cases": "must raise ValueError"}
