"""Grading the exercises with the real nbgrader commands, in a temporary copy of the course directory.

Every assignment with a folder in solutions/ is tested; ``EXERCISES=e01_inverted_dropout,e05_alpha_dropout`` (or
``pytest -k e05``) restricts the run, and only the assignments of the selected tests are graded. All submissions
of all those assignments are graded by ONE batch, ``python -m grader autograde --all``: its judges load their
libraries once, each submission runs in its own sandbox, and one writer records the grades through nbgrader.

A typical-mistake or hostile submission is a file ``submissions/<assignment>/<name>.py`` with
    CELLS = {"<grade_id of a solution cell>": "the student's source of that cell", ...}
    FAILS = {"<grade_id of a test cell>", ...}        # parts that must get 0 points
    KEEPS = {...}                                      # optional: parts that must keep full points
    MESSAGES = {"<test grade_id>": "substring", ...}   # optional: text the part's feedback must show
Solution cells missing from CELLS keep the released stub.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = Path(__file__).with_name("submissions")
BIN = Path(sys.executable).parent


def discover_assignments():
    found = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").exists())
    wanted = [a.strip() for a in os.environ.get("EXERCISES", "").split(",") if a.strip()]
    unknown = set(wanted) - set(found)
    if unknown:
        raise ValueError(f"EXERCISES names unknown assignments: {sorted(unknown)}; known: {found}")
    return [a for a in found if a in wanted] if wanted else found


ASSIGNMENTS = discover_assignments()


def submission_files(assignment):
    return sorted((SUBMISSIONS / assignment).glob("*.py"))


def load_submission(path):
    spec = importlib.util.spec_from_file_location(f"submission_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(course, *args):
    """Run a command of the course (``python -m grader ...`` or ``nbgrader ...``); fail with its output."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader runs alembic from PATH
    proc = subprocess.run([*args], cwd=course, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def write_submission(release_nb, cells, target):
    nb = nbformat.read(release_nb, as_version=4)
    known = {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells}
    assert set(cells) <= known, f"{target}: CELLS names cells the notebook does not have: {set(cells) - known}"
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in cells:
            cell.source = cells[grade_id]
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)


class GradedCourse:
    """A course directory in which the selected assignments have been released, submitted and autograded."""

    def __init__(self, path, assignments):
        self.path = path
        self.assignments = assignments
        self.expectations = {}  # (assignment, student) -> the submission module

    def notebook(self, folder, assignment, student=None):
        parts = [folder, student, assignment] if student else [folder, assignment]
        return self.path.joinpath(*parts, f"{assignment}.ipynb")

    def scores(self, assignment, student):
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.path / 'gradebook.db'}") as gb:
            nb = gb.find_submission_notebook(assignment, assignment, student)
            return {g.name: (g.score, g.max_score) for g in nb.grades}

    def verdict_text(self, assignment, student, part):
        """What the autograded notebook shows under the test cell of ``part``."""
        nb = nbformat.read(self.notebook("autograded", assignment, student), as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == part:
                return "\n".join(o.get("evalue", "") + o.get("text", "") for o in cell.outputs)
        raise KeyError(part)


def selected_assignments(session):
    """The assignments the selected tests are about (all of ASSIGNMENTS' first when none names one)."""
    chosen = {item.callspec.params["assignment"] for item in session.items
              if hasattr(item, "callspec") and "assignment" in item.callspec.params}
    return sorted(chosen) or ASSIGNMENTS[:1]


@pytest.fixture(scope="session")
def graded_course(request, tmp_path_factory):
    assignments = selected_assignments(request.session)
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "grader", course / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    for assignment in assignments:
        shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    python = str(BIN / "python")
    run(course, python, "-m", "grader", "release-all")

    graded = GradedCourse(course, assignments)
    for assignment in assignments:
        release_nb = graded.notebook("release", assignment)
        submitted = {"instructor": course / "solutions" / assignment / f"{assignment}.ipynb",
                     "instructor-again": course / "solutions" / assignment / f"{assignment}.ipynb",
                     "unmodified": release_nb}
        for student, nb in submitted.items():
            target = graded.notebook("submitted", assignment, student)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(nb, target)
        for i, path in enumerate(submission_files(assignment)):
            sub = load_submission(path)
            # the first submission is graded twice, under two names: it must get the same score both times
            for student in (path.stem, f"{path.stem}-again") if i == 0 else (path.stem,):
                write_submission(release_nb, sub.CELLS, graded.notebook("submitted", assignment, student))
                graded.expectations[(assignment, student)] = sub
    run(course, python, "-m", "grader", "autograde", "--all")
    run(course, python, "-m", "grader", "feedback-all")
    run(course, python, "-m", "grader", "grades-csv", "grades.csv")
    return graded
