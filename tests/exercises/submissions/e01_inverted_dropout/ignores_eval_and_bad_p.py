"""Dropout applied in evaluation mode too, and no check of p."""

CELLS = {
    "dropout_class": '''
class Dropout:
    def __init__(self, p=0.5, rng=None):
        self.p, self.rng, self.training = p, (np.random.default_rng() if rng is None else rng), True

    def forward(self, x):
        self.mask = self.rng.random(x.shape) >= self.p
        return np.zeros_like(x) if self.p == 1 else x * self.mask / (1 - self.p)

    def backward(self, g):
        return np.zeros_like(g) if self.p == 1 else g * self.mask / (1 - self.p)
''',
    "standard_dropout": '''def standard_dropout(x, p, training, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return x * (rng.random(x.shape) >= p) if training else x * (1 - p)
''',
}
FAILS = {"test_eval_mode", "test_edge_cases"}
KEEPS = {"test_forward", "test_backward"}
