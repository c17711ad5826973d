"""A hard Bernoulli mask: the rate gets no gradient."""

CELLS = {"concrete_dropout": '''
class ConcreteDropout(nn.Module):
    def __init__(self, init_p=0.1, temperature=0.1):
        super().__init__()
        self.temperature = temperature
        self.p_logit = nn.Parameter(torch.tensor(math.log(init_p / (1 - init_p))))

    @property
    def p(self):
        return torch.sigmoid(self.p_logit)

    def forward(self, x):
        if not self.training:
            return x
        p = self.p.item()
        return x * (torch.rand(x.shape) >= p).to(x.dtype) / (1 - p)

    def entropy(self):
        p = self.p
        return -(p * torch.log(p) + (1 - p) * torch.log(1 - p))
'''}
FAILS = {"test_gradient_to_rate", "test_forward_statistics"}
KEEPS = {"test_parameters", "test_eval_and_entropy"}
MESSAGES = {"test_gradient_to_rate": "no .item()"}
