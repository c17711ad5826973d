"""The exercises graded end to end by the plain nbgrader commands."""

import json

import nbformat
import pytest

from tests.exercises.conftest import ASSIGNMENTS, ROOT, SUBMISSIONS, nbgrader

MISTAKES = [(a, p.stem) for a in ASSIGNMENTS for p in sorted((SUBMISSIONS / a).glob("*.py"))]


def total(scores):
    return sum(s for s, _ in scores.values()), sum(m for _, m in scores.values())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_instructor_version_scores_full_marks(graded_course, assignment):
    scores = graded_course.scores(assignment, "instructor")
    got, best = total(scores)
    assert best > 0 and got == best, scores


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_unmodified_student_version_scores_zero(graded_course, assignment):
    got, best = total(graded_course.scores(assignment, "unmodified"))
    assert best > 0 and got == 0


@pytest.mark.parametrize("assignment, submission", MISTAKES)
def test_mistakes_lose_the_points_of_the_parts_they_get_wrong(graded_course, assignment, submission):
    scores = graded_course.scores(assignment, submission)
    fails, keeps = graded_course.expectations[(assignment, submission)]
    got, best = total(scores)
    assert got < best
    for part in fails:
        assert scores[part][0] == 0, f"{part} should have failed: {scores}"
    for part in keeps:
        assert scores[part][0] == scores[part][1], f"{part} should have passed: {scores}"
    if (assignment, f"{submission}-again") in graded_course.expectations:
        assert graded_course.scores(assignment, f"{submission}-again") == scores, "grading twice gave another score"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_contains_no_solution_and_no_hidden_test(graded_course, assignment):
    release = graded_course.path / "release" / assignment
    text = "\n".join(p.read_text() for p in release.rglob("*") if p.is_file())
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert "HIDDEN TESTS" not in text and "grader" not in text.replace('"nbgrader"', "")
    source = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    solutions = [c.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
                 for c in source.cells if "### BEGIN SOLUTION" in c.source]
    public = "\n".join(c.source for c in source.cells if "### BEGIN SOLUTION" not in c.source)
    for solution in solutions:
        for line in solution.strip().splitlines():
            line = line.strip()
            if len(line) > 25 and line not in public:  # lines the visible tests also show are not secrets
                assert line not in text, f"solution line leaked into the release: {line}"
    assert sorted(p.name for p in release.iterdir()) == [f"{assignment}.ipynb"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_names_the_failed_part_without_showing_hidden_tests(graded_course, assignment):
    nbgrader(graded_course.path, "generate_feedback", assignment, "--student", "unmodified", "--force")
    html = (graded_course.path / "feedback" / "unmodified" / assignment / f"{assignment}.html").read_text()
    assert "Hidden tests of" in html
    assert "grader.judge" not in html and "HIDDEN TESTS" not in html


def test_grades_export(graded_course):
    out = graded_course.path / "grades.csv"
    nbgrader(graded_course.path, "export", "--to", str(out))
    rows = out.read_text().splitlines()
    assert rows[0].startswith("assignment,") and any(",instructor," in r for r in rows)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebooks_are_stored_without_outputs(assignment):
    nb = json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
