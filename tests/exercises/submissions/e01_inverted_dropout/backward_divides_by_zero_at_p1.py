"""Handles p = 1 in forward but not in backward, which divides by 1 - p = 0 (NaN and a warning)."""

CELLS = {
    "dropout_class": '''
class Dropout:
    def __init__(self, p=0.5, rng=None):
        if not 0 <= p <= 1:
            raise ValueError(f"p must be in [0, 1], got {p}")
        self.p, self.rng, self.training = p, (np.random.default_rng() if rng is None else rng), True

    def forward(self, x):
        if not self.training:
            return x
        self.mask = self.rng.random(x.shape) >= self.p
        if self.p == 1:
            return np.zeros_like(x)
        return x * (self.mask / (1 - self.p)).astype(x.dtype)

    def backward(self, g):
        if not self.training:
            return g
        return g * self.mask / (1 - self.p)
''',
    "standard_dropout": '''def standard_dropout(x, p, training, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return x * (rng.random(x.shape) >= p) if training else x * (1 - p)
''',
}
FAILS = {"test_edge_cases"}
KEEPS = {"test_forward", "test_drop_fraction", "test_backward", "test_eval_mode", "test_standard_dropout"}
MESSAGES = {"test_edge_cases": "p=1 must give a zero gradient"}
