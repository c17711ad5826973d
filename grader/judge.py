"""The judge: runs an assignment's probes beside the submission in a sandbox, and its verdicts here.

An assignment's hidden tests live in ``grader/checks/<assignment>/``: ``probes.py`` defines ``probe_<part>(ns)``
for every graded part (it runs in the sandbox with numpy, torch and math only, calls the student's code found in
the namespace ``ns`` and returns observations: plain data, never a verdict) and ``verdicts.py`` defines
``verdict_<part>(observations)`` (it runs in the judge's own process, compares with the reference library and
raises ``AssertionError`` with a message that teaches). ``<part>`` is the ``grade_id`` of the test cell.
"""

import ast
import importlib
import re
import time
from pathlib import Path

from grader import policy
from grader.sandbox import GraderError, SubmissionStopped, run_in_sandbox
from grader.sandbox_boot import plain, unwrap
from grader.screen import ScreenError, defined_names, screen

CHECKS = Path(__file__).with_name("checks")


def parts_of(assignment):
    """The graded parts of an assignment, in the order its probes define them."""
    source = (CHECKS / assignment / "probes.py").read_text()
    return [line.split("(")[0][len("def probe_"):] for line in source.splitlines() if line.startswith("def probe_")]


def probes_source(assignment):
    """The source the sandbox runs: the shared probe helpers, then the assignment's probes."""
    return (CHECKS / "probe_common.py").read_text() + "\n" + (CHECKS / assignment / "probes.py").read_text()


def _verdicts(assignment):
    return importlib.import_module(f"grader.checks.{assignment}.verdicts")


def _verdict(verdicts, part, observations):
    try:
        getattr(verdicts, f"verdict_{part}")(unwrap(observations))
    except AssertionError as err:
        return False, str(err) or "a hidden test failed"
    except Exception as err:  # the observations were not what a working implementation returns
        return False, f"your code returned something unexpected ({type(err).__name__}: {err})"
    return True, "passed"


def screen_cells(assignment, cells):
    """Split ``cells`` into those that may run and a dict of refusals by cell id.

    The submission's cells go through the screen; the visible tests of the test cells (``"test": True``, restored
    by nbgrader from the instructor's version) run as they are.
    """
    allowed = policy.allowed_names(assignment)
    own = set()
    for cell in cells:
        if cell.get("test"):
            continue
        try:
            own |= defined_names(ast.parse(cell["source"]))
        except SyntaxError:
            pass
    passed, refused = [], {}
    for cell in cells:
        try:
            if not cell.get("test"):
                screen(cell["source"], own, allowed)
            passed.append({"id": cell["id"], "source": cell["source"]})
        except ScreenError as err:
            refused[cell["id"]] = f"not run: {err}"
    return passed, refused


def status_record(status, reason="", seconds=0.0):
    """What ``JudgedExecute`` stores in the autograded notebook's metadata under ``"dropout_grader"``."""
    return {"status": status, "reason": reason, "seconds": round(seconds, 3)}


def judge(assignment, cells, parts=None, timeout=120, in_process=False):
    """Grade a submission.

    Args:
        assignment: the assignment's name, e.g. ``"e01_inverted_dropout"``.
        cells: the notebook's code cells in order, as ``{"id", "source"}`` dicts: the submission's cells, and the
            visible tests of each test cell marked ``"test": True`` with the part's name as id (they may fail their
            part, never pass it).
        parts: the parts to judge; all of them when ``None``. A part without a probe fails.
        timeout: seconds the submission and all probes may take together.
        in_process: run without the operating system's walls (see ``grader.sandbox``): only when accepted.

    Returns:
        ``(verdicts, cell_errors, status)``: ``{part: (passed, message)}``, ``{cell id: why it failed or did not
        run}`` for the submission's cells, and the status record (``status_record``): ``"graded"``, or why the
        submission got no verdict: ``"timed out"``, ``"memory limit"``, ``"crashed"`` (its own doing: every part
        fails), ``"grader error"`` (not its doing: it is not graded).
    """
    start = time.monotonic()
    verdicts = _verdicts(assignment)
    known = parts_of(assignment)
    parts = known if parts is None else list(parts)
    runnable, cell_errors = screen_cells(assignment, cells)
    try:
        result = run_in_sandbox(runnable, probes_source(assignment), [p for p in parts if p in known],
                                timeout=timeout, remove_library_dropout=policy.removes_library_dropout(assignment),
                                in_process=in_process)
    except GraderError as err:
        message = f"not graded: grader error: {err}"
        status = status_record("grader error", str(err), time.monotonic() - start)
        return {part: (False, message) for part in parts}, cell_errors, status
    except SubmissionStopped as err:
        status = status_record(err.status, str(err), time.monotonic() - start)
        return {part: (False, str(err)) for part in parts}, cell_errors, status
    tests = {cell["id"] for cell in cells if cell.get("test")}
    cell_errors.update({k: v for k, v in result["cells"].items() if v and k not in tests})
    outcome = {}
    for part in parts:
        report = result["parts"].get(part, {"error": "no result"})
        visible_error = result["cells"].get(part) if part in tests else None
        if part not in known:
            outcome[part] = (False, "this test cell has no hidden tests: ask your instructor")
        elif visible_error:
            outcome[part] = (False, f"the visible tests of this part failed: {visible_error}")
        elif "error" in report:
            outcome[part] = (False, f"running your code raised {report['error']}")
        else:
            outcome[part] = _verdict(verdicts, part, report["observations"])
    return outcome, cell_errors, status_record("graded", "", time.monotonic() - start)


def top_level_names(tree):
    """The names a cell defines for the cells after it: its top-level functions, classes and variables."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def causes(message, cells, cell_errors):
    """The failed cells a part's failure ``message`` points at: those defining a name the message mentions (a
    missing definition, a stub's NotImplementedError raised by calling it), all of them when it says a name is not
    defined without naming one of theirs."""
    own = {}
    for cell in cells:
        if cell["id"] in cell_errors and not cell.get("test"):
            try:
                own[cell["id"]] = top_level_names(ast.parse(cell["source"]))
            except SyntaxError:
                own[cell["id"]] = set()
    named = [cid for cid, names in own.items() if any(re.search(rf"\b{re.escape(n)}\b", message) for n in names)]
    if named or "is not defined" not in message:
        return named
    return list(own)


def check(assignment, part, namespace):
    """Run one part's probe and verdict in THIS process against ``namespace``: a convenience for the instructor's
    notebook (it shows the hidden tests passing), never how a submission is graded."""
    probes = {"__name__": "probes"}
    exec(compile(probes_source(assignment), "<probes>", "exec"), probes)
    observations = plain(probes[f"probe_{part}"](namespace))
    passed, message = _verdict(_verdicts(assignment), part, observations)
    assert passed, message
    print(f"{part}: passed")
