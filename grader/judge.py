"""The judge: runs an assignment's probes beside the submission in a sandbox, and its verdicts here.

An assignment's hidden tests live in ``grader/checks/<assignment>/``: ``probes.py`` defines ``probe_<part>(ns)``
for every graded part (it runs in the sandbox with numpy, torch and math only, calls the student's code found in
the namespace ``ns`` and returns observations: plain data, never a verdict) and ``verdicts.py`` defines
``verdict_<part>(observations)`` (it runs in the judge's own process, compares with the reference library and
raises ``AssertionError`` with a message that teaches). ``<part>`` is the ``grade_id`` of the test cell.
"""

import ast
import importlib
from pathlib import Path

from grader.sandbox import SandboxError, run_in_sandbox
from grader.sandbox_boot import plain
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


def unwrap(value):
    """The inverse of the sandbox's ``plain``: NumPy arrays come back as arrays."""
    if isinstance(value, dict):
        if set(value) == {"ndarray"}:
            return value["ndarray"].numpy()
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


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
    allowed = getattr(_verdicts(assignment), "ALLOWED_NAMES", set())
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


def judge(assignment, cells, parts=None, timeout=120):
    """Grade a submission.

    Args:
        assignment: the assignment's name, e.g. ``"e01_inverted_dropout"``.
        cells: the notebook's code cells in order, as ``{"id", "source"}`` dicts: the submission's cells, and the
            visible tests of each test cell marked ``"test": True`` with the part's name as id (they may fail their
            part, never pass it).
        parts: the parts to judge; all of them when ``None``. A part without a probe fails.
        timeout: seconds the submission and all probes may take together.

    Returns:
        ``(verdicts, cell_errors)``: ``{part: (passed, message)}`` and ``{cell id: why it failed or did not run}``
        for the submission's cells.
    """
    verdicts = _verdicts(assignment)
    known = parts_of(assignment)
    parts = known if parts is None else list(parts)
    runnable, cell_errors = screen_cells(assignment, cells)
    try:
        result = run_in_sandbox(runnable, probes_source(assignment), [p for p in parts if p in known],
                                timeout=timeout, remove_library_dropout=getattr(verdicts, "REMOVE_LIBRARY_DROPOUT", True))
    except SandboxError as err:
        return {part: (False, str(err)) for part in parts}, cell_errors
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
    return outcome, cell_errors


def check(assignment, part, namespace):
    """Run one part's probe and verdict in THIS process against ``namespace``: a convenience for the instructor's
    notebook (it shows the hidden tests passing), never how a submission is graded."""
    probes = {"__name__": "probes"}
    exec(compile(probes_source(assignment), "<probes>", "exec"), probes)
    observations = plain(probes[f"probe_{part}"](namespace))
    passed, message = _verdict(_verdicts(assignment), part, observations)
    assert passed, message
    print(f"{part}: passed")
