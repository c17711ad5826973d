"""Standard dropout that scales its input in place at inference (x *= 1 - p), changing the caller's array."""

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
        if self.p == 1:
            return np.zeros_like(g)
        return g * self.mask / (1 - self.p)
''',
    "standard_dropout": '''def standard_dropout(x, p, training, rng=None):
    if not training:
        x *= 1 - p  # no copy needed at inference
        return x
    rng = np.random.default_rng() if rng is None else rng
    return x * (rng.random(x.shape) >= p)
''',
}
FAILS = {"test_standard_dropout"}
KEEPS = {"test_forward", "test_drop_fraction", "test_backward", "test_eval_mode", "test_edge_cases"}
MESSAGES = {"test_standard_dropout": "must not modify its input"}
