"""Hostile submissions run straight in the sandbox, past the screen: what the operating system's walls hold.

Each attack runs as the submission's code would if the screen let it through; each must gain nothing: protected
files unchanged, nothing of the course directory visible, no process left behind, and the next submission graded
as if the attack had never run.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from grader import policy, sandbox
from grader.judge import judge
from grader.policy import COURSE_ROOT, SANDBOX_UID
from grader.sandbox import GraderError, SubmissionStopped, run_in_sandbox

SOLUTION = COURSE_ROOT / "solutions" / "e01_inverted_dropout" / "e01_inverted_dropout.ipynb"
PROBES = "import torch\nimport numpy as np\ndef probe_value(ns):\n    return {'value': ns.get('value')}\n"


def sandboxed(*sources, timeout=60):
    cells = [{"id": f"c{i}", "source": s} for i, s in enumerate(sources)]
    return run_in_sandbox(cells, PROBES, ["value"], timeout=timeout)


def value_of(result):
    return result["parts"]["value"]["observations"]["value"]


def python_below_tmp():
    """What a fresh /tmp shows: nothing but the way to the interpreter's own files when they lie below /tmp (a
    course cloned there), kept visible read-only."""
    paths = [*policy.python_paths(), sys.prefix, os.path.dirname(sys.executable)]
    return sorted({os.path.realpath(p).split("/")[2] for p in paths if os.path.realpath(p).startswith("/tmp/")})


def assert_next_submission_graded_right():
    result = sandboxed("import os\nvalue = [sorted(os.listdir('/tmp')), os.listdir('/dev/shm'), 6 * 7]")
    assert value_of(result) == [python_below_tmp(), [], 42] and result["cells"] == {"c0": None}


def host_processes_with(marker):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    found.append(pid)
        except OSError:
            pass
    return found


@pytest.fixture
def gradebook(tmp_path):
    """A gradebook outside the sandbox's view, as the course's gradebook.db is."""
    path = tmp_path / "gradebook.db"
    with sqlite3.connect(path) as db:
        db.execute("create table grade (student text, score real)")
        db.execute("insert into grade values ('stub', 0), ('honest', 10)")
    return path


def test_the_submission_runs_as_nobody_without_network_and_sees_no_course_directory():
    result = sandboxed(
        "import os, socket\n"
        "value = [os.getuid(), os.path.exists(%r), os.path.exists(%r)]\n"
        "socket.create_connection(('1.1.1.1', 80), timeout=2)" % (str(SOLUTION), str(COURSE_ROOT / "grader")))
    assert value_of(result) == [SANDBOX_UID, False, False]
    assert "OSError" in result["cells"]["c0"] or "unreachable" in result["cells"]["c0"]


def test_builtins_through_torch_submodules_reach_nothing():
    # the route the screen's attribute checks exist for: eval and open from a module's namespace
    expression = f"__import__('os').listdir({str(SOLUTION.parent)!r})"
    result = sandboxed(f"import torch\nev = torch.nn.functional.__builtins__['eval']\nvalue = ev({expression!r})")
    assert value_of(result) is None and "FileNotFoundError" in result["cells"]["c0"]


@pytest.mark.parametrize("source", [
    "import torch\nvalue = torch.from_file(%(solution)r, size=64, dtype=torch.uint8)",
    "import numpy as np\nvalue = np.fromfile(%(solution)r, dtype=np.uint8)",
    "import torch\ntorch.from_file(%(written)r, shared=True, size=64, dtype=torch.uint8)",
    "import numpy as np\nnp.arange(3).tofile(%(written)r)",
])
def test_c_level_file_access_cannot_read_or_write_the_course(source):
    written = COURSE_ROOT / "grader" / "checks" / "written_by_a_submission"
    result = sandboxed(source % {"solution": str(SOLUTION), "written": str(written)})
    assert value_of(result) is None and result["cells"]["c0"]
    assert not written.exists()


def test_started_programs_see_no_course_and_write_nothing(tmp_path):
    planted = COURSE_ROOT / "grader" / "planted_by_a_program"
    script = f"cat {SOLUTION} > /tmp/stolen; echo pwned > {planted}; ls /tmp"
    result = sandboxed(f"import os\npid = os.posix_spawn('/bin/sh', ['sh', '-c', {script!r}], {{}})\n"
                       "os.waitpid(pid, 0)\nvalue = os.path.getsize('/tmp/stolen')")
    assert value_of(result) == 0 and not planted.exists()


def test_the_gradebook_cannot_be_written_through_sqlite(gradebook):
    before = gradebook.read_bytes()
    result = sandboxed(f"import sqlite3\ndb = sqlite3.connect({str(gradebook)!r})\n"
                       "db.execute(\"update grade set score = 10 where student = 'stub'\")\ndb.commit()\nvalue = 1")
    assert value_of(result) is None and "OperationalError" in result["cells"]["c0"]
    assert gradebook.read_bytes() == before


@pytest.mark.parametrize("call", [
    "torch.ops.aten.native_dropout(x, 0.5, True)",
    "torch.ops.aten.dropout(x, 0.5, True)",
    "torch.ops.aten.alpha_dropout.default(x, 0.5, True)",
    "torch._C._jit_get_operation('aten::feature_alpha_dropout')[0](x.view(2, 2, 1), 0.5, True)",
    "torch.jit.script(torch.nn.Dropout(0.5))(x)",
])
def test_pytorchs_dropout_is_refused_however_it_is_reached(call):
    result = sandboxed(f"import torch\nx = torch.ones(4)\nvalue = {call}")
    assert value_of(result) is None and "PyTorch's own dropout is not available" in result["cells"]["c0"]


def test_processes_that_outlive_the_submission_are_ended_with_it():
    marker = "7777.25"
    result = sandboxed(
        "import subprocess\n"
        f"subprocess.Popen(['setsid', 'sleep', '{marker}'])\n"
        f"subprocess.Popen(['sh', '-c', '(sleep {marker} &) ; sleep {marker}'], start_new_session=True)\n"
        "value = 1")
    assert value_of(result) == 1
    assert host_processes_with(f"sleep\0{marker}") == []
    assert_next_submission_graded_right()


def test_a_submission_cannot_leave_anything_for_the_next():
    sandboxed("import os\nopen('/tmp/planted', 'w').write('x')\nopen('/dev/shm/planted', 'w').write('x')\n"
              "os.makedirs('/tmp/.matplotlib', exist_ok=True)\nvalue = 1")
    assert_next_submission_graded_right()


@pytest.mark.parametrize("source, status", [
    ("import os\nos._exit(0)", "crashed"),
    ("import ctypes\nctypes.string_at(0)", "crashed"),
    ("import time\ntime.sleep(600)", "timed out"),
    ("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass", "timed out"),
])
def test_ending_or_hanging_the_process_costs_the_submission_only(source, status):
    with pytest.raises(SubmissionStopped) as stopped:
        sandboxed(source, timeout=5)
    assert stopped.value.status == status
    assert_next_submission_graded_right()


@pytest.mark.parametrize("source, error", [
    ("import sys\nsys.exit(1)", "SystemExit"),
    ("value = input()", "EOFError"),
    ("hog = []\nwhile True:\n    hog.append(bytearray(1 << 26))", "MemoryError"),
    ("f = open('/tmp/fill', 'wb')\nwhile True:\n    f.write(bytes(1 << 20))", "OSError"),
    # the first process of its own PID namespace: killing its parent, its group or itself reaches nothing
    ("import os, signal\nos.kill(os.getppid(), 9)\nos.killpg(0, signal.SIGKILL)\nos.kill(1, 9)\nos.kill(-1, 9)",
     "ProcessLookupError"),
])
def test_what_fails_inside_a_cell_fails_that_cell_only(source, error):
    result = sandboxed(source, "value = 5")
    assert error in result["cells"]["c0"] and value_of(result) == 5
    assert_next_submission_graded_right()


def test_floods_of_output_and_invalid_bytes_are_harmless():
    result = sandboxed("import os\nprint('x' * 10**7)\nos.write(1, bytes(range(256)) * 4096)\n"
                       "os.write(2, b'\\xff\\xfe' * 10**6)\nvalue = 3")
    assert value_of(result) == 3 and len(result["output"]) <= 5000


def test_a_grader_without_bubblewrap_refuses_to_grade(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(GraderError, match="bubblewrap is not installed.*accept_in_process_sandbox"):
        sandbox.bubblewrap_command()


def test_a_grader_error_is_a_status_never_a_zero(monkeypatch):
    def broken(*args, **kwargs):
        raise GraderError("the limit 9 could not be set")

    monkeypatch.setattr("grader.judge.run_in_sandbox", broken)
    verdicts, _, status = judge("e01_inverted_dropout", [{"id": "c", "source": "x = 1"}])
    assert status["status"] == "grader error" and "limit 9" in status["reason"]
    assert all(message.startswith("not graded: grader error") for _, message in verdicts.values())


def test_limits_are_clamped_to_the_hosts_and_pth_packages_import():
    # not below /tmp: each submission has a /tmp of its own
    tmp_path = Path(tempfile.mkdtemp(prefix="pth-", dir="/var/tmp"))
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "extra_module.py").write_text("ANSWER = 42\n")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "extra.pth").write_text(str(tmp_path / "extra") + "\n")
    script = (f"import site, sys; site.addsitedir({str(tmp_path / 'site')!r})\n"
              f"sys.path.insert(0, {str(COURSE_ROOT)!r})\n"
              "from grader.sandbox import run_in_sandbox\n"
              "r = run_in_sandbox([{'id': 'c', 'source': 'import extra_module\\nvalue = extra_module.ANSWER'}], "
              f"{PROBES!r}, ['value'])\n"
              "print(r['parts']['value']['observations']['value'], r['limits']['9'], r['cells'])")
    hard = 4 << 30  # an address-space limit below what the sandbox asks for (the interpreter's use + 4 GiB)
    proc = subprocess.run(["bash", "-c", f'ulimit -v {hard >> 10} && exec "$0" -c "$1"', sys.executable, script],
                          capture_output=True, text=True, cwd=tmp_path)
    shutil.rmtree(tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    answer, address_space = proc.stdout.split()[:2]
    assert answer == "42" and int(address_space) == hard  # clamped to the host's limit, not refused


def judged(nb):
    from grader.nbgrader_plugin import JudgedExecute

    return JudgedExecute().preprocess(nb, {"nbgrader": {"assignment": "e01_inverted_dropout", "student": "s"}})[0]


def test_a_deleted_test_cell_is_named_in_the_feedback_and_the_status():
    nb = nbformat.read(SOLUTION, as_version=4)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_backward"]
    nb = judged(nb)
    status = nb.metadata["dropout_grader"]
    assert status["status"] == "cell changed" and "test_backward" in status["reason"]
    assert nb.cells[0].cell_type == "markdown" and "`test_backward`" in nb.cells[0].source
    outputs = {c.metadata.get("nbgrader", {}).get("grade_id"): c.outputs for c in nb.cells if c.cell_type == "code"}
    assert outputs["test_forward"][0]["text"] == "test_forward: all hidden tests passed\n"


def test_a_notebook_without_cells_or_metadata_is_judged_without_a_crash():
    nb = nbformat.read(SOLUTION, as_version=4)
    for cell in nb.cells:
        cell.metadata = {}
    for notebook in (nbformat.v4.new_notebook(), nb):
        status = judged(notebook).metadata["dropout_grader"]
        assert status["status"] == "cell changed" and "test_forward" in status["reason"]


def test_interpreter_kept_below_tmp_is_read_only_to_the_submission():
    """A course cloned below /tmp: its interpreter's folders stay visible under each private /tmp, read-only, so that
    no submission can leave a file there for the next one (a shell writes past the audit hook, as C code could)."""
    prefix = os.path.realpath(sys.prefix)
    if not prefix.startswith("/tmp/"):
        pytest.skip("the interpreter does not lie below /tmp here")
    target = os.path.join(prefix, "planted")
    result = sandboxed("import subprocess\nvalue = subprocess.run(['sh', '-c', 'touch " + target + " 2>&1; echo $?'], "
                       "capture_output=True, text=True).stdout")
    assert "Read-only file system" in value_of(result), value_of(result)
    assert not os.path.exists(target)
