"""Grading the exercises with the real nbgrader commands, in a temporary copy of the course directory."""

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
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())
BIN = Path(sys.executable).parent


def nbgrader(course, *args):
    """Run a plain nbgrader command in the course directory; fail with its output if it fails."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader runs alembic from PATH
    proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def load_submission(path):
    """A submission file: CELLS maps a solution cell's grade_id to the student's code; FAILS names the parts
    that must lose their points; KEEPS (optional) names parts that must keep them."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_submission(release_nb, cells, target):
    nb = nbformat.read(release_nb, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in cells:
            cell.source = cells[grade_id]
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)


class GradedCourse:
    """A course directory in which every assignment has been released and a set of submissions autograded."""

    def __init__(self, path):
        self.path = path
        self.expectations = {}  # (assignment, student) -> (fails, keeps)

    def scores(self, assignment, student):
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.path / 'gradebook.db'}") as gb:
            nb = gb.find_submission_notebook(assignment, assignment, student)
            return {g.name: (g.score, g.max_score) for g in nb.grades}


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    for item in ("nbgrader_config.py", "solutions", "grader"):
        src = ROOT / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, course / item)
    graded = GradedCourse(course)
    for assignment in ASSIGNMENTS:
        nbgrader(course, "generate_assignment", assignment, "--force")
        release_nb = course / "release" / assignment / f"{assignment}.ipynb"
        source_nb = course / "solutions" / assignment / f"{assignment}.ipynb"
        students = {"instructor": source_nb, "unmodified": release_nb}
        for student, nb in students.items():
            target = course / "submitted" / student / assignment / f"{assignment}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(nb, target)
        for i, path in enumerate(sorted((SUBMISSIONS / assignment).glob("*.py"))):
            sub = load_submission(path)
            # the first submission is graded twice, under two names: it must get the same score both times
            for student in (path.stem, f"{path.stem}-again") if i == 0 else (path.stem,):
                write_submission(release_nb, sub.CELLS, course / "submitted" / student / assignment / f"{assignment}.ipynb")
                graded.expectations[(assignment, student)] = (set(sub.FAILS), set(getattr(sub, "KEEPS", ())))
        nbgrader(course, "autograde", assignment, "--force")  # creates the students it finds
    return graded
