"""Tries to read the hidden tests and the reference implementation from disk at run time."""

CELLS = {"alpha_dropout": '''
import numpy as np

for path in ("/work/main/grader/checks/e05_alpha_dropout/verdicts.py", "/work/main/dropout_lib/alpha.py",
             "../grader/checks/e05_alpha_dropout/verdicts.py"):
    stolen = np.lib.format.open_memmap(path, mode="r")

def alpha_dropout(x, p=0.5, training=True):
    return x
'''}
FAILS = {"test_values", "test_moments", "test_eval_and_edge_cases"}
MESSAGES = {"test_values": "the sandbox does not allow opening"}
