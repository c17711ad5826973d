"""Relaxes the KEEP indicator with the logit of the drop rate: about 1-p of the units are dropped."""

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
        p, u = self.p, torch.rand(x.shape, dtype=x.dtype)
        z = torch.sigmoid((torch.log(1 - p) - torch.log(p) + torch.log(u) - torch.log(1 - u)) / self.temperature)
        return x * (1 - z) / (1 - p)

    def entropy(self):
        p = self.p
        return -(p * torch.log(p) + (1 - p) * torch.log(1 - p))
'''}
FAILS = {"test_forward_statistics"}
KEEPS = {"test_parameters", "test_eval_and_entropy"}
MESSAGES = {"test_forward_statistics": "DROP indicator"}
