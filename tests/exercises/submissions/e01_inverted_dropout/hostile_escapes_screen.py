"""Reads the instructor's notebook at run time through a NumPy function the screen lets through, and stops the
process from inside a function the probes call."""

CELLS = {
    "dropout_class": '''
class Dropout:
    def __init__(self, p=0.5, rng=None):
        self.p, self.rng, self.training = p, rng, True
        for path in ("/work/main/solutions/e01_inverted_dropout/e01_inverted_dropout.ipynb",
                     "../../../solutions/e01_inverted_dropout/e01_inverted_dropout.ipynb"):
            self.stolen = np.lib.format.open_memmap(path, mode="r")

    def forward(self, x):
        return x

    def backward(self, g):
        return g
''',
    "standard_dropout": '''
def standard_dropout(x, p, training, rng=None):
    raise SystemExit(0)
''',
}
FAILS = {"test_forward", "test_drop_fraction", "test_backward", "test_eval_mode", "test_edge_cases",
         "test_standard_dropout"}
MESSAGES = {"test_forward": "the sandbox does not allow opening", "test_standard_dropout": "SystemExit"}
