"""Computes entropy() with math.log on p.item() and wraps the number in a tensor: the regularizer has no gradient."""

CELLS = {"concrete_dropout": '''
class ConcreteDropout(nn.Module):
    def __init__(self, init_p=0.1, temperature=0.1):
        super().__init__()
        self.temperature = temperature
        self.p_logit = nn.Parameter(torch.tensor(math.log(init_p) - math.log(1 - init_p)))

    @property
    def p(self):
        return torch.sigmoid(self.p_logit)

    def forward(self, x):
        if not self.training:
            return x
        p, u = self.p, torch.rand(x.shape, dtype=x.dtype)
        eps = 1e-7
        z = torch.sigmoid((torch.log(p + eps) - torch.log(1 - p + eps) + torch.log(u + eps) - torch.log(1 - u + eps))
                          / self.temperature)
        return x * (1 - z) / (1 - p)

    def entropy(self):
        p = self.p.item()
        return torch.tensor(-(p * math.log(p) + (1 - p) * math.log(1 - p)))
'''}
FAILS = {"test_eval_and_entropy"}
KEEPS = {"test_parameters", "test_forward_statistics", "test_gradient_to_rate"}
MESSAGES = {"test_eval_and_entropy": "entropy() must be differentiable"}
