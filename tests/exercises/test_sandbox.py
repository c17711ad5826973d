"""The judge's two barriers on their own: the static screen, and the sandbox that holds what gets past it."""

import pytest

from grader.judge import judge
from grader.nbgrader_plugin import IPYTHON_STUB, python_source
from grader.policy import COURSE_ROOT
from grader.sandbox import SubmissionStopped, run_in_sandbox
from grader.screen import ScreenError, screen

PROBES = """
def probe_value(ns):
    return {"value": ns.get("value"), "x": torch.arange(3.0)}

def probe_exits(ns):
    raise SystemExit(0)
"""


def sandboxed(*sources, parts=("value",), timeout=60, in_process=False):
    cells = [{"id": f"c{i}", "source": s} for i, s in enumerate(sources)]
    return run_in_sandbox(cells, "import torch\nimport numpy as np\n" + PROBES, parts, timeout=timeout,
                          in_process=in_process)


@pytest.mark.parametrize("source, refusal", [
    ("from dropout_lib import Dropout", "import of 'dropout_lib' is not allowed"),
    ("import grader.checks", "import of 'grader.checks' is not allowed"),
    ("y = torch.ops.aten.native_dropout(x, 0.5, True)", "'native_dropout' is a library's dropout"),
    ("aten = torch.ops", "the attribute 'ops' is not allowed"),
    ("import sys as s\nm = s.modules['numpy']\nm.allclose = all", "the attribute 'modules' of 'sys' is not allowed"),
    ("from sys import modules", "the attribute 'modules' of 'sys' is not allowed"),
    ("import torch.nn.functional as F\ny = F.dropout(x)", "'dropout' is a library's dropout"),
    ("y = torch.nn.AlphaDropout(0.2)", "'AlphaDropout' is a library's dropout"),
    ("np.allclose = lambda *a: True", "changing an attribute of 'np'"),
    ("x = eval('1')", "'eval' is not allowed"),
    ("f = getattr(torch, 'alpha_' + 'dropout')", "'getattr' is not allowed"),
    ("m = torch.sys", "the attribute 'sys' is not allowed"),
    ("d = torch.nn.functional.__dict__", "the attribute '__dict__' is not allowed"),
    ("c = ().__class__", "the attribute '__class__' is not allowed"),
    ("s = torch._C", "the private attribute '_C' is not allowed"),
    ("b = np.ctypeslib", "the attribute 'ctypeslib' is not allowed"),
    ("name = 'torch.nn.functional.dropout'", "a string naming a library's dropout"),
    ("def f(:\n  pass", "syntax error"),
])
def test_screen_refuses_the_escape_hatches_and_names_the_line(source, refusal):
    with pytest.raises(ScreenError, match="line [0-9]+: ") as err:
        screen("import numpy as np\nimport torch\n" + source)
    assert refusal in str(err.value)


def test_screen_accepts_an_honest_implementation():
    source = '''
import math
import numpy as np
import torch

class Dropout:
    """Inverted dropout: survivors are scaled by 1/(1-p); the docstring may say dropout freely."""

    def __init__(self, p=0.5, rng=None):
        self.p, self.rng, self.training, self.input = p, rng, True, None

    def forward(self, x):
        self.mask = self.rng.random(x.shape) >= self.p
        return x * self.mask / (1 - self.p)

def alpha_dropout(x, p=0.5, training=True):
    keep = (torch.rand(x.shape) >= p).to(x.dtype)
    return x * keep + math.sqrt(p) * (1 - keep)
'''
    assert screen(source) == {"math", "np", "torch"}


def test_screen_accepts_the_standard_library_matplotlib_and_files():
    source = """
import itertools, functools, os, sys, json
import matplotlib.pyplot as plt
from collections import Counter

masks = list(itertools.product([0, 1], repeat=3))
plt.plot([m[0] for m in masks])
plt.savefig("masks.png")
print("the 8 masks", masks, file=sys.stderr)
with open("notes.json", "w") as f:
    json.dump(Counter(sum(m) for m in masks), f)
"""
    assert {"itertools", "os", "plt", "Counter"} <= screen(source)
    assert screen("def f(model):\n    model.eval()\n    return list(model.modules())") == set()


@pytest.mark.parametrize("in_process", [False, True])
def test_audit_hook_refuses_the_course_directory_other_files_writes_and_the_reference_library(in_process):
    result = sandboxed(
        f"open({str(COURSE_ROOT / 'grader' / 'judge.py')!r}).read()",
        "open('/etc/hostname').read()",
        "open('/usr/notes.txt', 'w')",
        "import dropout_lib",
        "import grader.checks",
        "open('notes.txt', 'w').write('private')\nvalue = open('notes.txt').read()",
        in_process=in_process,
    )
    errors = list(result["cells"].values())
    assert all(errors[:5]), errors
    assert "does not allow opening" in errors[0] and "does not allow opening" in errors[1]
    assert "does not allow opening" in errors[2]
    assert "does not allow importing 'dropout_lib'" in errors[3] and "grader" in errors[4]
    assert errors[5] is None and result["parts"]["value"]["observations"]["value"] == "private"


def test_without_the_operating_systems_walls_processes_are_refused_too():
    result = sandboxed("import torch\ntorch.os.system('true')", "import subprocess\nsubprocess.run(['true'])",
                       in_process=True)
    errors = list(result["cells"].values())
    assert "os.system" in errors[0] and "subprocess.Popen" in errors[1]


def test_sandbox_has_no_pytorch_dropout_but_the_rest_of_pytorch():
    result = sandboxed(
        "import torch\ntorch.nn.functional.alpha_dropout(torch.ones(3), 0.5, True)",
        "import torch\ntorch.nn.AlphaDropout(0.5)(torch.ones(3))",
        "import torch\ntorch.dropout(torch.ones(3), 0.5, True)",
        "import torch\nvalue = float(torch.nn.functional.selu(torch.ones(1)))",
    )
    errors = list(result["cells"].values())
    assert all("PyTorch's own dropout is not available" in e for e in errors[:3]), errors
    assert errors[3] is None and result["parts"]["value"]["observations"]["value"] == pytest.approx(1.0507009873554805)


def test_a_probe_that_exits_fails_its_part_only():
    result = sandboxed("value = 3", parts=("value", "exits"))
    assert result["parts"]["value"]["observations"]["value"] == 3
    assert "SystemExit" in result["parts"]["exits"]["error"]


def test_writing_to_every_file_descriptor_cannot_forge_the_report():
    forged = "import torch\nfor fd in range(64):\n    try:\n        torch.os.write(fd, b'PK forged: all passed')\n" \
             "    except OSError:\n        pass\nvalue = 7"
    try:
        result = sandboxed(forged)
    except SubmissionStopped:
        return  # a garbled report gives no points: acceptable
    assert result["parts"]["value"]["observations"]["value"] == 7


def test_crashes_timeouts_and_memory_hogs_give_no_report():
    with pytest.raises(SubmissionStopped, match="stopped the process that ran it") as stopped:
        sandboxed("import torch\ntorch.os.abort()")
    assert stopped.value.status == "crashed"
    with pytest.raises(SubmissionStopped, match="did not finish within 2 seconds") as stopped:
        sandboxed("while True:\n    pass", timeout=2)
    assert stopped.value.status == "timed out"
    result = sandboxed("import numpy as np\nhog = np.ones(10**10)", "value = 1")
    assert "Unable to allocate" in result["cells"]["c0"] and result["parts"]["value"]["observations"]["value"] == 1


def test_the_same_submission_gives_the_same_observations_twice():
    source = "import torch\nimport numpy as np\nvalue = [float(torch.rand(1)), float(np.random.rand())]"
    first, second = (sandboxed(source)["parts"]["value"]["observations"]["value"] for _ in range(2))
    assert first == second and len(set(first)) == 2


def test_judge_fails_a_part_whose_visible_tests_fail_and_a_part_without_hidden_tests():
    solution = open(COURSE_ROOT / "tests" / "exercises" / "submissions" / "e01_inverted_dropout" /
                    "backward_unscaled.py").read()
    cells = {}
    exec(compile(solution, "submission", "exec"), cells)
    verdicts, errors, status = judge("e01_inverted_dropout", [
        {"id": "setup", "source": "import numpy as np"},
        {"id": "dropout_class", "source": cells["CELLS"]["dropout_class"]},
        {"id": "test_forward", "source": "assert False, 'a visible test says no'", "test": True},
        {"id": "standard_dropout", "source": cells["CELLS"]["standard_dropout"]},
    ], parts=["test_forward", "test_backward", "test_standard_dropout", "test_made_up"])
    assert verdicts["test_forward"] == (False, "the visible tests of this part failed: AssertionError: a visible "
                                               "test says no")
    assert not verdicts["test_backward"][0] and "scale the gradient by 1/(1-p)" in verdicts["test_backward"][1]
    assert verdicts["test_standard_dropout"] == (True, "passed")
    assert not verdicts["test_made_up"][0] and not errors and status["status"] == "graded"


def test_magics_are_recognized_as_ipython_recognizes_them():
    honest = ('message = ("p must be in [0, 1), got %r"\n'
              '           % (0.5,))\n'
              'ok = (1\n'
              '!= 2)\n')
    assert python_source(honest) == honest  # continuation lines starting with % or ! are Python
    magics = "%matplotlib inline\n!ls /\nvalue = 4\n"
    assert "value = 4" in python_source(magics) and "get_ipython()" in python_source(magics)
    assert python_source("%%time\nvalue = 5\n") == "value = 5\n"
    result = sandboxed(IPYTHON_STUB, python_source(magics))
    assert result["cells"] == {"c0": None, "c1": None} and result["parts"]["value"]["observations"]["value"] == 4
