"""The nbgrader preprocessor that grades by the judge instead of by running hidden tests beside the submission.

Configured in ``nbgrader_config.py`` in place of nbgrader's ``Execute`` among the autograde preprocessors, so that
the plain ``nbgrader autograde`` uses it. The submission's code never shares a process with a verdict: its cells
and the visible tests run in the sandbox, the hidden tests' code runs nowhere (the judge runs the assignment's
probes in the sandbox and its verdicts here), and each graded test cell gets as output the judge's verdict on its
part: a stream output when it passes, an error output when it fails, which nbgrader scores as zero.
"""

import re

from nbformat.v4 import new_output
from traitlets import Integer

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

MAGIC = re.compile(r"^\s*[%!].*$", re.MULTILINE)  # IPython magics and shell escapes are not Python
HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*$", re.MULTILINE | re.DOTALL)


def is_test_cell(cell):
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def cell_id(cell, index):
    return cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell-{index}"


def visible_tests(source):
    """A test cell's source without its hidden tests."""
    return HIDDEN.sub("", source)


class JudgedExecute(NbGraderPreprocessor):
    """Replace kernel execution during autograding by the judge's verdicts."""

    timeout = Integer(300, help="Seconds a submission may run in the sandbox, all parts together").tag(config=True)

    def preprocess(self, nb, resources):
        from grader.judge import judge  # imported when grading, so that other nbgrader commands stay fast

        assignment = resources["nbgrader"]["assignment"]
        cells, code, tests = [], [], []
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            cid = cell_id(cell, index)
            if is_test_cell(cell):
                tests.append((cid, cell))
                cells.append({"id": cid, "source": MAGIC.sub("", visible_tests(cell.source)), "test": True})
            else:
                code.append((cid, cell))
                cells.append({"id": cid, "source": MAGIC.sub("", cell.source)})
        verdicts, cell_errors = judge(assignment, cells, [cid for cid, _ in tests], timeout=self.timeout)
        for cid, cell in code:
            cell.outputs = []
            if cid in cell_errors:
                cell.outputs = [new_output("stream", name="stdout", text=f"This cell: {cell_errors[cid]}\n")]
        failed_cells = "".join(f"\n  - cell {k}: {v}" for k, v in cell_errors.items())
        for cid, cell in tests:
            passed, message = verdicts[cid]
            if passed:
                cell.outputs = [new_output("stream", name="stdout", text=f"{cid}: all hidden tests passed\n")]
            else:
                if failed_cells:
                    message += f"\nProblems with your cells:{failed_cells}"
                cell.outputs = [new_output("error", ename="AssertionError", evalue=message,
                                           traceback=[f"The tests of {cid} failed:", message])]
            cell.execution_count = None
        for _, cell in code:
            cell.execution_count = None
        return nb, resources
