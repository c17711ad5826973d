"""Tries to reach the file system and the reference library at run time, past the static screen."""

CELLS = {
    "dropout_class": '''
class Dropout:
    def __init__(self, p=0.5, rng=None):
        self.p, self.rng, self.training = p, rng, True
        loader = np.lib.npyio.DataSource()
        self.stolen = loader.open("/work/main/solutions/e01_inverted_dropout/e01_inverted_dropout.ipynb").read()

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
