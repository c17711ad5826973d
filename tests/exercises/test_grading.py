"""The exercises graded end to end by the plain nbgrader commands (through ``python -m grader``)."""

import csv
import html
import importlib
import json
import os
import re
import shutil
import subprocess

import nbformat
import pytest
from nbgrader.api import Gradebook

from grader.judge import parts_of
from tests.exercises.conftest import ASSIGNMENTS, BIN, ROOT, load_submission, submission_files

MISTAKES = [(a, p.stem) for a in ASSIGNMENTS for p in submission_files(a)]


def html_text(page):
    """The text of an HTML page, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def total(scores):
    return sum(s for s, _ in scores.values()), sum(m for _, m in scores.values())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_instructor_version_scores_full_marks_every_time(graded_course, assignment):
    scores = graded_course.scores(assignment, "instructor")
    got, best = total(scores)
    assert best > 0 and got == best, {part: graded_course.verdict_text(assignment, "instructor", part)
                                      for part, (s, m) in scores.items() if s < m}
    assert graded_course.scores(assignment, "instructor-again") == scores


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_unmodified_student_version_scores_zero(graded_course, assignment):
    got, best = total(graded_course.scores(assignment, "unmodified"))
    assert best > 0 and got == 0


@pytest.mark.parametrize("assignment, submission", MISTAKES)
def test_mistakes_lose_the_points_of_the_parts_they_get_wrong(graded_course, assignment, submission):
    scores = graded_course.scores(assignment, submission)
    sub = graded_course.expectations[(assignment, submission)]
    got, best = total(scores)
    assert got < best or not sub.FAILS, scores  # an honest submission (no FAILS) keeps its points
    for part in sub.FAILS:
        assert scores[part][0] == 0, f"{part} should have failed: {scores}"
    for part in getattr(sub, "KEEPS", ()):
        assert scores[part][0] == scores[part][1], (
            f"{part} should have passed: {graded_course.verdict_text(assignment, submission, part)}")
    for part, text in getattr(sub, "MESSAGES", {}).items():
        assert text in graded_course.verdict_text(assignment, submission, part)
    if (assignment, f"{submission}-again") in graded_course.expectations:
        assert graded_course.scores(assignment, f"{submission}-again") == scores, "grading twice gave another score"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_has_a_probe_and_a_verdict(assignment):
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    tests = [c for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]
    assert tests and sorted(c.metadata.nbgrader.grade_id for c in tests) == sorted(parts_of(assignment))
    verdicts = importlib.import_module(f"grader.checks.{assignment}.verdicts")
    for cell in tests:
        part = cell.metadata.nbgrader.grade_id
        assert callable(getattr(verdicts, f"verdict_{part}", None)), f"verdict_{part} is missing"
        assert cell.metadata.nbgrader.points > 0
        assert f"check('{assignment}', '{part}', globals())" in cell.source.split("### BEGIN HIDDEN TESTS")[1]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_submission_files_name_real_parts(assignment):
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    tests = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")}
    for path in submission_files(assignment):
        sub = load_submission(path)
        named = set(sub.FAILS) | set(getattr(sub, "KEEPS", ())) | set(getattr(sub, "MESSAGES", {}))
        assert (sub.FAILS or getattr(sub, "KEEPS", ())) and named <= tests, f"{path.name}: unknown parts {named - tests}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_contains_no_solution_and_no_hidden_test(graded_course, assignment):
    release = graded_course.path / "release" / assignment
    assert sorted(p.name for p in release.iterdir()) == [f"{assignment}.ipynb"]
    text = (release / f"{assignment}.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert "HIDDEN TESTS" not in text and "grader" not in text.replace("nbgrader", "")
    source = nbformat.read(graded_course.notebook("solutions", assignment), as_version=4)
    solutions = [c.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
                 for c in source.cells if "### BEGIN SOLUTION" in c.source]
    hidden = [c.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
              for c in source.cells if "### BEGIN HIDDEN TESTS" in c.source]
    assert solutions and hidden
    public = "\n".join(c.source for c in source.cells if "### BEGIN SOLUTION" not in c.source)
    for secret in solutions + hidden:
        for line in secret.strip().splitlines():
            line = line.strip()
            if len(line) > 25 and line not in public:  # lines the visible tests also show are not secrets
                assert line not in text, f"a hidden line leaked into the release: {line}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_keeps_each_solution_cells_signature_and_docstring(graded_course, assignment):
    release = nbformat.read(graded_course.notebook("release", assignment), as_version=4)
    source = nbformat.read(graded_course.notebook("solutions", assignment), as_version=4)
    released = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in release.cells}
    for cell in source.cells:
        if "### BEGIN SOLUTION" in cell.source:
            student = released[cell.metadata["nbgrader"]["grade_id"]]
            assert student.startswith(cell.source.split("### BEGIN SOLUTION")[0].rstrip())
            assert "raise NotImplementedError()" in student


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_names_the_failed_part_without_showing_hidden_tests(graded_course, assignment):
    page = graded_course.notebook("feedback", assignment, "unmodified").with_suffix(".html").read_text()
    for part in graded_course.scores(assignment, "unmodified"):
        assert f"The tests of {part} failed:" in html_text(page)
    assert "grader.judge" not in page and "HIDDEN TESTS" not in page
    for (name, student), sub in graded_course.expectations.items():
        if name == assignment:
            page = graded_course.notebook("feedback", assignment, student).with_suffix(".html").read_text()
            for text in getattr(sub, "MESSAGES", {}).values():
                assert text in html_text(page), f"the feedback of {student} does not show: {text}"


def test_grades_csv_has_a_row_per_student_and_assignment(graded_course):
    with open(graded_course.path / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    # a student of the course without a submission for an assignment has no score there, not a zero
    assert all(r["status"] == "not submitted" for r in rows if r["raw_score"] == "")
    graded = {(r["assignment"], r["student_id"]): (float(r["raw_score"]), float(r["max_score"])) for r in rows
              if r["raw_score"] != ""}
    for assignment in graded_course.assignments:
        raw, best = graded[(assignment, "instructor")]
        assert best > 0 and raw == best
        assert graded[(assignment, "unmodified")] == (0.0, best)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebooks_are_stored_without_outputs(assignment):
    nb = json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_no_submission_planted_files_or_left_processes(graded_course):
    assert not any(graded_course.path.rglob("planted"))
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                assert b"sleep\0" + b"31.7" not in f.read(), "a submission's process outlived its grading"
        except OSError:
            pass


def test_a_grader_error_leaves_the_submission_ungraded_never_zero(graded_course, tmp_path):
    """Without bubblewrap on PATH the grader cannot isolate: nothing is scored, the feedback and the log say why,
    and nbgrader autograde exits with status 3."""
    course = tmp_path / "course"
    shutil.copytree(graded_course.path, course)
    assignment = graded_course.assignments[0]
    env = {**os.environ, "PATH": str(BIN)}
    proc = subprocess.run([str(BIN / "nbgrader"), "autograde", assignment, "--student", "instructor", "--force"],
                          cwd=course, capture_output=True, text=True, env=env)
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert "NOT GRADED: bubblewrap is not installed" in proc.stderr
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grades = gb.find_submission_notebook(assignment, assignment, "instructor").grades
        assert grades and all(g.auto_score is None and g.needs_manual_grade for g in grades)
    nb = nbformat.read(course / "autograded" / "instructor" / assignment / f"{assignment}.ipynb", as_version=4)
    assert nb.metadata["dropout_grader"]["status"] == "grader error"
    assert nb.cells[0].source.startswith("**Not graded: grader error.** bubblewrap is not installed")
