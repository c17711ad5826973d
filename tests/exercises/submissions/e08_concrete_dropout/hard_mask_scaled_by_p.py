"""A hard Bernoulli mask; the rate gets a gradient only through the rescaling 1/(1-p), the wrong one."""

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
        p = self.p
        keep = (torch.rand(x.shape, dtype=x.dtype) >= p).to(x.dtype)
        return x * keep / (1 - p)

    def entropy(self):
        p = self.p
        return -(p * torch.log(p) + (1 - p) * torch.log(1 - p))
'''}
FAILS = {"test_forward_statistics", "test_gradient_to_rate"}
KEEPS = {"test_parameters", "test_eval_and_entropy"}
MESSAGES = {"test_gradient_to_rate": "p must enter both the relaxed mask z and the scale"}
