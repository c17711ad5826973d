"""The nbgrader preprocessor that grades by the judge instead of by running hidden tests beside the submission.

Configured in ``nbgrader_config.py`` in place of nbgrader's ``Execute`` among the autograde preprocessors, so that
the plain ``nbgrader autograde`` uses it. The submission's code never shares a process with a verdict: its cells
run in the sandbox, the test cells' code runs nowhere, and each graded test cell gets as output the judge's
verdict on its part (an error output when it fails, which nbgrader scores as zero).
"""

import re

from nbformat.v4 import new_output
from traitlets import Integer

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

from grader.judge import judge

MAGIC = re.compile(r"^\s*[%!].*$", re.MULTILINE)


def is_test_cell(cell):
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def cell_id(cell, index):
    return cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell-{index}"


class JudgedExecute(NbGraderPreprocessor):
    """Replace kernel execution during autograding by the judge's verdicts."""

    timeout = Integer(300, help="Seconds a submission may run in the sandbox, all parts together").tag(config=True)

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        code = [(cell_id(c, i), c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and not is_test_cell(c)]
        tests = [(cell_id(c, i), c) for i, c in enumerate(nb.cells) if is_test_cell(c)]
        cells = [{"id": cid, "source": MAGIC.sub("", c.source)} for cid, c in code]
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
                                           traceback=[f"Hidden tests of {cid} failed:", message])]
        return nb, resources
