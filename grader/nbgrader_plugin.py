"""The nbgrader preprocessors that grade by the judge instead of by running hidden tests beside the submission.

Configured in ``nbgrader_config.py`` in place of nbgrader's ``Execute`` and ``SaveAutoGrades`` among the autograde
preprocessors, so that the plain ``nbgrader autograde`` uses them. The submission's code never shares a process
with a verdict: its cells and the visible tests run in the sandbox, the hidden tests' code runs nowhere (the judge
runs the assignment's probes in the sandbox and its verdicts here), and each graded test cell gets as output the
judge's verdict on its part: a stream output when it passes, an error output when it fails, which nbgrader scores
as zero. The notebook's metadata ``dropout_grader`` records how grading went (``grader.judge.status_record``); a
submission the grader failed on ("grader error") gets no score at all (nbgrader: needs manual grading), its
feedback says why, and ``nbgrader autograde`` exits with status 3.
"""

import atexit
import os
import re

from nbformat.v4 import new_markdown_cell, new_output
from traitlets import Bool, Integer

from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades
from nbgrader.utils import is_grade, is_solution

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*$", re.MULTILINE | re.DOTALL)
METADATA_KEY = "dropout_grader"
GRADER_ERROR_EXIT = 3
# Cell magics whose body is Python that runs as written (timing, capturing output).
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}
# Given to the submission as IPython's ``get_ipython``: magics and shell escapes do nothing when grading.
IPYTHON_STUB = '''
class _NoShell:
    def run_line_magic(self, *args, **kwargs):
        return None
    run_cell_magic = system = getoutput = run_line_magic
def get_ipython():
    return _NoShell()
'''
_grader_errors = []


def is_test_cell(cell):
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def cell_id(cell, index):
    return cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell-{index}"


def visible_tests(source):
    """A test cell's source without its hidden tests."""
    return HIDDEN.sub("", source)


def python_source(source):
    """A cell as IPython would run it: magics and shell escapes, recognized as IPython recognizes them, become
    calls of ``get_ipython()``; a cell magic that only times or captures Python becomes its body."""
    from IPython.core.inputtransformer2 import TransformerManager

    lines = source.lstrip("\n").split("\n", 1)
    if lines[0].startswith("%%") and lines[0][2:].split(" ")[0] in PYTHON_CELL_MAGICS:
        return python_source(lines[1] if len(lines) > 1 else "")
    return TransformerManager().transform_cell(source)


def _exit_status_for_grader_errors():
    if _grader_errors:
        os._exit(GRADER_ERROR_EXIT)


class JudgedExecute(NbGraderPreprocessor):
    """Replace kernel execution during autograding by the judge's verdicts."""

    timeout = Integer(300, help="Seconds a submission may run in the sandbox, all parts together").tag(config=True)
    accept_in_process_sandbox = Bool(False, help=(
        "Grade even where the operating system cannot isolate submissions (bubblewrap missing, no user "
        "namespaces), in the in-process sandbox. It does NOT protect the course: " +
        "C code (PyTorch's file functions, for one) can then read and write whatever the grading user can, the "
        "course directory, the gradebook and other submissions included, start programs and use the network.")
    ).tag(config=True)

    def preprocess(self, nb, resources):
        from grader.judge import causes, judge, parts_of  # imported when grading: other commands stay fast

        assignment = resources["nbgrader"]["assignment"]
        student = resources["nbgrader"].get("student")
        cells, code, tests = [{"id": "(ipython)", "source": IPYTHON_STUB, "test": True}], [], []
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            cid = cell_id(cell, index)
            if is_test_cell(cell):
                tests.append((cid, cell))
                cells.append({"id": cid, "source": python_source(visible_tests(cell.source)), "test": True})
            else:
                code.append((cid, cell))
                cells.append({"id": cid, "source": python_source(cell.source)})
        verdicts, cell_errors, status = judge(assignment, cells, [cid for cid, _ in tests], timeout=self.timeout,
                                              in_process=self.accept_in_process_sandbox)
        missing = [part for part in parts_of(assignment) if part not in {cid for cid, _ in tests}]
        if missing and status["status"] == "graded":
            status.update(status="cell changed", reason="test cells deleted or changed: " + ", ".join(missing))
        self._report(status, assignment, student, nb)
        for cid, cell in code:
            cell.outputs = []
            if cid in cell_errors:
                cell.outputs = [new_output("stream", name="stdout", text=f"This cell: {cell_errors[cid]}\n")]
        for cid, cell in tests:
            passed, message = verdicts[cid]
            if passed:
                cell.outputs = [new_output("stream", name="stdout", text=f"{cid}: all hidden tests passed\n")]
            else:
                related = causes(message, cells, cell_errors)
                if related:
                    message += "\nProblems with your cells:" + "".join(f"\n  - cell {k}: {cell_errors[k]}"
                                                                       for k in related)
                cell.outputs = [new_output("error", ename="AssertionError", evalue=message,
                                           traceback=[f"The tests of {cid} failed:", message])]
            cell.execution_count = None
        for _, cell in code:
            cell.execution_count = None
        if missing:
            nb.cells.insert(0, new_markdown_cell(
                "**Grader note:** the test cell" + ("s " if len(missing) > 1 else " ") +
                ", ".join(f"`{part}`" for part in missing) + " of this assignment " +
                ("were" if len(missing) > 1 else "was") + " deleted or changed in your notebook (a test cell must "
                "keep its place and its metadata), so " + ("they score" if len(missing) > 1 else "it scores") +
                " 0. Start again from the released notebook to get them graded."))
        if status["status"] == "grader error":
            nb.cells.insert(0, new_markdown_cell(
                f"**Not graded: grader error.** {status['reason']}. This is not a fault of your submission; "
                "your instructor will grade it again."))
        nb.metadata[METADATA_KEY] = status
        resources[METADATA_KEY] = status
        return nb, resources

    def _report(self, status, assignment, student, nb):
        line = f"{assignment} / {student}: {status['status']} in {status['seconds']:.2f} s"
        if status["status"] == "graded":
            self.log.info(line)
        elif status["status"] == "grader error":
            self.log.error(f"{line}: NOT GRADED: {status['reason']}")
            if not _grader_errors:
                atexit.register(_exit_status_for_grader_errors)  # runs after nbgrader has finished
            _grader_errors.append((assignment, student))
        else:
            self.log.warning(f"{line}: {status['reason']}")


class SaveJudgedGrades(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades``, except that a submission the grader failed on gets no score (nbgrader marks
    it as needing manual grading) instead of zeros."""

    def preprocess(self, nb, resources):
        self._not_graded = resources.get(METADATA_KEY, {}).get("status") == "grader error"
        return super().preprocess(nb, resources)

    def _add_score(self, cell, resources):
        super()._add_score(cell, resources)
        if self._not_graded:
            grade = self.gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], self.notebook_id,
                                              self.assignment_id, self.student_id)
            grade.auto_score = None
            grade.needs_manual_grade = True
            self.gradebook.db.commit()
