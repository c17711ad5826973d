"""The right relaxed mask, but the rescaling uses a detached rate: part of the gradient is lost."""

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
        z = torch.sigmoid((torch.log(p) - torch.log(1 - p) + torch.log(u) - torch.log(1 - u)) / self.temperature)
        return x * (1 - z) / (1 - p.detach())

    def entropy(self):
        p = self.p
        return -(p * torch.log(p) + (1 - p) * torch.log(1 - p))
'''}
FAILS = {"test_gradient_to_rate"}
KEEPS = {"test_parameters", "test_forward_statistics", "test_eval_and_entropy"}
MESSAGES = {"test_gradient_to_rate": "do not detach"}
