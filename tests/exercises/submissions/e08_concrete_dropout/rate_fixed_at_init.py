"""Computes p once in __init__ (it never follows p_logit) and returns the entropy as a float in bits."""

CELLS = {"concrete_dropout": '''
class ConcreteDropout(nn.Module):
    def __init__(self, init_p=0.1, temperature=0.1):
        super().__init__()
        self.temperature = temperature
        self.p_logit = nn.Parameter(torch.tensor(math.log(init_p / (1 - init_p))))
        self.rate = torch.sigmoid(self.p_logit)

    @property
    def p(self):
        return self.rate

    def forward(self, x):
        if not self.training:
            return x
        p, u = self.p, torch.rand(x.shape, dtype=x.dtype)
        z = torch.sigmoid((torch.log(p) - torch.log(1 - p) + torch.log(u) - torch.log(1 - u)) / self.temperature)
        return x * (1 - z) / (1 - p)

    def entropy(self):
        p = self.p.item()
        return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))
'''}
FAILS = {"test_parameters", "test_eval_and_entropy"}
KEEPS = {"test_forward_statistics", "test_gradient_to_rate"}
MESSAGES = {"test_parameters": "p_logit every time"}
