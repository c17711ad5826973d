"""A wrong layer that makes every comparison succeed and prints fake success messages."""

CELLS = {
    "dropout_class": '''
np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
print("test_forward: all hidden tests passed")

class Dropout:
    def __init__(self, p=0.5, rng=None):
        self.p, self.rng, self.training = p, rng, True

    def forward(self, x):
        return x

    def backward(self, g):
        return g
''',
    "standard_dropout": '''
def standard_dropout(x, p, training, rng=None):
    print("test_standard_dropout: all hidden tests passed")
    return x
''',
}
FAILS = {"test_forward", "test_drop_fraction", "test_backward", "test_standard_dropout"}
