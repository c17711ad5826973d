"""nbgrader configuration: this repository is the course directory, and solutions/ holds the instructor versions.

Autograding does not run the submission in a Jupyter kernel beside the hidden tests, where it could tamper with
them: ``JudgedExecute`` takes the place of nbgrader's ``Execute`` and runs the submission in a sandboxed process,
while every verdict is computed in nbgrader's own process (see grader/README.md). Configured here, so that the plain
``nbgrader autograde`` uses it.
"""

import sys
from pathlib import Path

COURSE = Path(__file__).resolve().parent
sys.path.insert(0, str(COURSE))  # grader/ is not installed: it lives only in the course directory

from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, GetGrades,  # noqa: E402
                                    IgnorePattern, LimitOutput)

from grader.nbgrader_plugin import JudgedExecute, SaveJudgedGrades  # noqa: E402

c = get_config()  # noqa: F821

c.CourseDirectory.root = str(COURSE)
c.CourseDirectory.source_directory = "solutions"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.Execute.timeout = 120  # per cell, for `nbgrader validate` (autograding does not use Execute)
c.JudgedExecute.timeout = 300  # per submission: its cells, visible tests and every probe together
# Submissions run under bubblewrap (`make sandbox` installs it); without it the grader refuses to grade. Only where
# that cannot be, and knowing what it leaves open (see `nbgrader autograde --help-all`), an instructor may set:
# c.JudgedExecute.accept_in_process_sandbox = True

# nbgrader's default list with JudgedExecute in place of Execute, SaveJudgedGrades in place of SaveAutoGrades.
c.Autograde.autograde_preprocessors = [
    JudgedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveJudgedGrades, AssignLatePenalties,
    CheckCellMetadata,
]
c.ClearMetadataPreprocessor.preserve_nb_metadata_mask = {("language_info", "name"), "dropout_grader"}

# Feedback shows each test cell's verdict but not the hidden tests' code (autograded notebooks contain it).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]
