"""nbgrader configuration: this repository is the course directory, and solutions/ holds the instructor versions.

Autograding does not run the hidden tests in the student's kernel, where the submission could tamper with them:
``JudgedExecute`` runs the submission in a sandboxed process and computes every verdict in nbgrader's own process
(see grader/judge.py). It is configured here so that the plain ``nbgrader autograde`` uses it.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput,  # noqa: E402
                                    SaveAutoGrades)

from grader.nbgrader_plugin import JudgedExecute  # noqa: E402

c = get_config()  # noqa: F821

c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.db_assignments = [{"name": p.name} for p in sorted(Path(__file__).resolve().parent.joinpath("solutions").iterdir()) if p.is_dir()]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.Execute.timeout = 120  # per cell, for `nbgrader validate` and the instructor's own runs
c.JudgedExecute.timeout = 300  # per submission, all hidden tests together
c.Autograde.autograde_preprocessors = [
    JudgedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades, AssignLatePenalties,
    CheckCellMetadata,
]

# Feedback shows each test cell's verdict but never the hidden tests' code.
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]
