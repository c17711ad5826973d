"""Standard dropout scaled by the drop rate p at inference, the slip of several tutorials."""

CELLS = {
    "dropout_class": '''
class Dropout:
    def __init__(self, p=0.5, rng=None):
        if not 0 <= p <= 1:
            raise ValueError("p")
        self.p, self.rng, self.training = p, (np.random.default_rng() if rng is None else rng), True

    def forward(self, x):
        if not self.training:
            return x
        self.mask = self.rng.random(x.shape) >= self.p
        return np.zeros_like(x) if self.p == 1 else x * self.mask / (1 - self.p)

    def backward(self, g):
        if not self.training:
            return g
        return np.zeros_like(g) if self.p == 1 else g * self.mask / (1 - self.p)
''',
    "standard_dropout": '''
def standard_dropout(x, p, training, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return x * (rng.random(x.shape) >= p) if training else x * p
''',
}
FAILS = {"test_standard_dropout"}
KEEPS = {"test_forward", "test_drop_fraction", "test_backward", "test_eval_mode", "test_edge_cases"}
MESSAGES = {"test_standard_dropout": "by the keep probability 1-p"}
