"""A correct submission written the way students write: standard-library imports, a figure, prints, IPython magics,
a %-formatted message continued on a line that starts with %, a background process left running and a file
written in the working directory. It keeps every point."""

CELLS = {
    "dropout_class": '''
%matplotlib inline
import itertools
import subprocess
from collections import Counter

import matplotlib.pyplot as plt

subprocess.Popen(["sleep", "31.7"])  # left behind: ended with the submission


class Dropout:
    def __init__(self, p=0.5, rng=None):
        if not 0.0 <= p <= 1.0:
            raise ValueError("dropout probability has to be between 0 and 1, but got %r"
% (p,))
        self.p = p
        self.rng = np.random.default_rng() if rng is None else rng
        self.training = True
        self.mask = None

    def forward(self, x):
        x = np.asarray(x)
        if not self.training:
            return x.copy()
        self.mask = self.rng.random(x.shape) >= self.p
        if (self.p
!= 1.0):
            return x * (self.mask / (1.0 - self.p)).astype(x.dtype)
        return np.zeros_like(x)

    def backward(self, grad_output):
        grad_output = np.asarray(grad_output)
        if not self.training:
            return grad_output.copy()
        if self.p == 1.0:
            return np.zeros_like(grad_output)
        return grad_output * (self.mask / (1.0 - self.p)).astype(grad_output.dtype)


masks = list(itertools.product([0, 1], repeat=3))
print("kept units over the 8 masks:", Counter(sum(m) for m in masks))
fig, ax = plt.subplots()
ax.hist(Dropout(0.3, np.random.default_rng(0)).forward(np.ones(1000)), bins=20)
fig.savefig("histogram.png")
with open("notes.txt", "w") as notes:
    notes.write("a figure and notes in the working directory")
''',
    "standard_dropout": '''
%%time
def standard_dropout(x, p, training, rng=None):
    x = np.asarray(x)
    if not training:
        return x * (1.0 - p)
    rng = np.random.default_rng() if rng is None else rng
    return x * (rng.random(x.shape) >= p)

!echo shell escapes do nothing when grading
''',
}
FAILS = set()
KEEPS = {"test_forward", "test_drop_fraction", "test_backward", "test_eval_mode", "test_edge_cases",
         "test_standard_dropout"}
