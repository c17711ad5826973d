"""The hidden tests, tested: every verdict fails a typical mistake that the visible tests of its part let through.

Grading here takes the judge's ``check`` path, in this process and without the sandbox, so that it costs seconds:
the submission's cells and the visible tests run in notebook order in one namespace (solution cells missing from a
submission keep the released stub), then each part's probe runs on that namespace and its verdict on the
observations, brought back to plain data and read as the judge reads them. A part passes when its visible tests,
its probe and its verdict all pass.

Hostile submissions and those that borrow PyTorch's dropout (``hostile_*``, ``calls_pytorch_*``) are left to the
end-to-end tests: only the sandbox grades them right.
"""

import re
import warnings
from functools import lru_cache

import nbformat
import numpy as np
import pytest
import torch

from grader.judge import _verdicts, parts_of, probes_source, unwrap
from grader.sandbox_boot import plain
from tests.exercises.conftest import ASSIGNMENTS, ROOT, SUBMISSIONS, load_submission, submission_files

SANDBOX_ONLY = ("hostile_", "calls_pytorch_")
SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION.*?### END SOLUTION[^\n]*", re.MULTILINE | re.DOTALL)
INSTRUCTOR = "the instructor's solution"


def typical_submissions(assignment):
    return [p.stem for p in submission_files(assignment) if not p.stem.startswith(SANDBOX_ONLY)]


@lru_cache(maxsize=None)
def submission(assignment, name):
    return load_submission(SUBMISSIONS / assignment / f"{name}.py")


def notebook_cells(assignment, student_cells):
    """The code cells as graded: ``(id, source, is test cell)``, with the student's cells (or the instructor's
    solution when ``student_cells`` is None) and the visible part of each test cell."""
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        grade_id, source = meta.get("grade_id"), cell.source
        is_test = bool(meta.get("grade")) and not meta.get("solution")
        if is_test:
            source = source.split("### BEGIN HIDDEN TESTS")[0]
        elif student_cells is not None and meta.get("solution"):
            source = student_cells.get(grade_id, SOLUTION.sub(r"\1raise NotImplementedError()", source))
        cells.append((grade_id, source, is_test))
    return cells


def reseed():
    torch.manual_seed(0)
    np.random.seed(0)


@lru_cache(maxsize=None)
def run(assignment, name):
    """Run a submission's cells, visible tests and probes: ``{part: {"visible": error or None, "probe": error or
    None, "observations": ...}}``."""
    student = None if name == INSTRUCTOR else submission(assignment, name).CELLS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a warning is no error in the sandbox, whatever pytest's filters say
        namespace, visible = {"__name__": "__main__"}, {}
        reseed()
        for cell_id, source, is_test in notebook_cells(assignment, student):
            try:
                exec(compile(source, f"<cell {cell_id}>", "exec"), namespace)
                error = None
            except Exception as err:  # a failing cell must not stop the others, as in a notebook run with errors
                error = f"{type(err).__name__}: {err}"
            if is_test:
                visible[cell_id] = error
        probes = {"__name__": "probes"}
        exec(compile(probes_source(assignment), "<probes>", "exec"), probes)
        parts = {}
        for part in parts_of(assignment):
            reseed()
            try:
                observations, error = unwrap(plain(probes[f"probe_{part}"](namespace))), None
            except Exception as err:
                observations, error = None, f"{type(err).__name__}: {err}"
            parts[part] = {"visible": visible[part], "probe": error, "observations": observations}
    return parts


def verdict_message(assignment, part, observations):
    """What the verdict of ``part`` says: None when it passes, its message when it fails."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            getattr(_verdicts(assignment), f"verdict_{part}")(observations)
    except Exception as err:  # the judge fails a part on any exception of its verdict
        return f"{type(err).__name__}: {err}"
    return None


def failure(assignment, name, part):
    """Why ``part`` fails for a submission (its visible tests, its probe or its verdict), or None when it passes."""
    report = run(assignment, name)[part]
    return report["visible"] or report["probe"] or verdict_message(assignment, part, report["observations"])


def caught_by_the_verdict_alone(assignment, part):
    """The typical submissions that must fail ``part``, pass its visible tests and its probe, and fail its verdict:
    ``{submission: the verdict's message}``."""
    caught = {}
    for name in typical_submissions(assignment):
        report = run(assignment, name)[part]
        if part not in submission(assignment, name).FAILS or report["visible"] or report["probe"]:
            continue
        message = verdict_message(assignment, part, report["observations"])
        if message is not None:
            caught[name] = message
    return caught


VERDICTS = [(a, part) for a in ASSIGNMENTS for part in parts_of(a)]
TYPICAL = [(a, name) for a in ASSIGNMENTS for name in typical_submissions(a)]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_instructors_solution_passes_every_part_in_process(assignment):
    failed = {part: failure(assignment, INSTRUCTOR, part) for part in parts_of(assignment)}
    assert not any(failed.values()), failed


@pytest.mark.parametrize("assignment, name", TYPICAL)
def test_in_process_grading_gives_each_typical_submission_its_expected_parts(assignment, name):
    sub = submission(assignment, name)
    for part in sub.FAILS:
        assert failure(assignment, name, part), f"{part} should fail"
    for part in getattr(sub, "KEEPS", ()):
        assert not failure(assignment, name, part), f"{part} should pass: {failure(assignment, name, part)}"
    for part, text in getattr(sub, "MESSAGES", {}).items():
        assert text in (failure(assignment, name, part) or ""), f"{part}: {text!r} not in its feedback"


@pytest.mark.parametrize("assignment, part", VERDICTS)
def test_every_verdict_fails_a_mistake_that_the_visible_tests_let_through(assignment, part):
    caught = caught_by_the_verdict_alone(assignment, part)
    assert caught, (f"no typical submission of {assignment} passes the visible tests of {part} and is failed by "
                    f"verdict_{part}: add one to tests/exercises/submissions/{assignment}/")
    assert any(message.startswith("AssertionError") for message in caught.values()), (
        f"verdict_{part} fails its submissions only by crashing, never with a message that teaches: {caught}")


@pytest.mark.parametrize("assignment, part", VERDICTS)
def test_a_verdict_replaced_by_return_gives_a_wrong_grade(assignment, part, monkeypatch):
    monkeypatch.setattr(_verdicts(assignment), f"verdict_{part}", lambda observations: None)
    wrong = [name for name in typical_submissions(assignment)
             if part in submission(assignment, name).FAILS and not failure(assignment, name, part)]
    assert wrong, f"with verdict_{part} a no-op, every typical submission of {assignment} still gets its grade"
