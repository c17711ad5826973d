"""Sphinx extension: publish the student version of every exercise with the built book.

For each ``solutions/<a>/<a>.ipynb`` the build writes ``exercises/<a>.ipynb`` into the HTML output: the notebook
as ``nbgrader generate_assignment`` releases it (the same preprocessors, configured by ``nbgrader_config.py``),
without solutions and without hidden tests. Only the step that records the notebook in an instructor's gradebook
database is left out: a reader who studies alone has none. The role ``{student-notebook}`<a>``` links a page to
the published notebook, and warns (an error under ``-W``) when no such exercise exists.
"""

from pathlib import Path

import nbformat
from docutils import nodes
from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput,
                                    ClearSolutions, ComputeChecksums, IncludeHeaderFooter, InstantiateTests,
                                    LockCells)
from sphinx.util import logging
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
FOLDER = "exercises"  # under the HTML root: exercises/<a>.ipynb
# nbgrader's GenerateAssignment.preprocessors in its order, less SaveCells (the gradebook database).
PREPROCESSORS = [IncludeHeaderFooter, InstantiateTests, LockCells, ClearSolutions, ClearOutput, CheckCellMetadata,
                 ComputeChecksums, ClearHiddenTests, ClearMarkScheme, ComputeChecksums, CheckCellMetadata]
logger = logging.getLogger(__name__)


def assignments():
    return sorted(p.parent.name for p in SOLUTIONS.glob("*/*.ipynb") if p.stem == p.parent.name)


def student_version(assignment, config):
    """The release notebook of ``assignment``, as nbgrader's generate_assignment writes it."""
    source = SOLUTIONS / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(source, as_version=nbformat.NO_CONVERT)
    resources = {"nbgrader": {"notebook": assignment, "assignment": assignment}, "metadata": {"path": str(source.parent)}}
    for preprocessor in PREPROCESSORS:
        nb, resources = preprocessor(config=config).preprocess(nb, resources)
    return nb


def publish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    target = Path(app.outdir) / FOLDER
    target.mkdir(exist_ok=True)
    for old in target.glob("*.ipynb"):  # an exercise removed from solutions/ leaves no stale copy
        old.unlink()
    for assignment in assignments():
        nbformat.write(student_version(assignment, config), target / f"{assignment}.ipynb")


def student_notebook_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    assignment = text.strip()
    if assignment not in assignments():
        msg = inliner.reporter.warning(f"no exercise {assignment!r} in solutions/ (expected one of {assignments()})",
                                       line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    docname = inliner.document.settings.env.docname
    uri = "../" * docname.count("/") + f"{FOLDER}/{assignment}.ipynb"
    return [nodes.reference(rawtext, f"{assignment}.ipynb", refuri=uri)], []


def setup(app):
    app.add_role("student-notebook", student_notebook_role)
    app.connect("build-finished", publish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
