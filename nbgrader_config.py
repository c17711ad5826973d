"""nbgrader configuration: this repository is the course directory, and solutions/ holds the instructor versions.

Autograding does not run the submission in a Jupyter kernel beside the hidden tests, where it could tamper with
them: ``JudgedExecute`` takes the place of nbgrader's ``Execute`` and runs the submission in a sandboxed process,
while every verdict is computed in nbgrader's own process (see grader/README.md). Configured here, so that the plain
``nbgrader autograde`` uses it.
"""

import os
import sys
from pathlib import Path

COURSE = Path(__file__).resolve().parent
sys.path.insert(0, str(COURSE))  # grader/ is not installed: it lives only in the course directory

c = get_config()  # noqa: F821

c.CourseDirectory.root = str(COURSE)
# The course's one deployment setting: its id and the exchange folder that the instructor's release/collect and
# the students' fetch/submit share. Students' nbgrader needs the same two values (README, "For instructors").
c.CourseDirectory.course_id = os.environ.get("DROPOUT_COURSE_ID", "dropout")
c.Exchange.root = os.environ.get("DROPOUT_EXCHANGE", str(COURSE / "exchange"))
c.CourseDirectory.source_directory = "solutions"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.Execute.timeout = 120  # per cell, for `nbgrader validate` (autograding does not use Execute)
c.JudgedExecute.timeout = 300  # per submission: its cells, visible tests and every probe together
# Submissions run under bubblewrap (`make sandbox` installs it); without it the grader refuses to grade. Only where
# that cannot be, and knowing what it leaves open (see `nbgrader autograde --help-all`), an instructor may set:
# c.JudgedExecute.accept_in_process_sandbox = True

# Classes by name, so that the configuration stays serializable (the Formgrader shows it).
# nbgrader's default lists, with JudgedExecute in place of Execute, SaveJudgedGrades in place of SaveAutoGrades
# (a grader error is no score) and OverwriteCells without the checksum warning
# every submitted test cell would give (grader/sanitize.py).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput", "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec", "grader.sanitize.QuietOverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "grader.nbgrader_plugin.JudgedExecute", "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor", "nbgrader.preprocessors.LimitOutput",
    "grader.nbgrader_plugin.SaveJudgedGrades", "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.ClearMetadataPreprocessor.preserve_nb_metadata_mask = [("language_info", "name"), "dropout_grader"]  # a list: JSON

# Feedback shows each test cell's verdict but not the hidden tests' code (autograded notebooks contain it).
c.GenerateFeedback.preprocessors = ["nbgrader.preprocessors.GetGrades", "nbgrader.preprocessors.ClearHiddenTests",
                                    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]

# Feedback renders its mathematics offline (grader/feedback.py): our template folder first, then nbgrader's.
from grader.feedback import TEMPLATES  # noqa: E402

c.HTMLExporter.extra_template_basedirs = TEMPLATES
c.HTMLExporter.filters = {"mathjax_file": "grader.feedback.mathjax_file"}

# grades.csv (`make grades`) with a status column: "not submitted" and "not graded" have no score, not a zero.
c.ExportApp.plugin_class = "grader.report.StatusCsvExport"
