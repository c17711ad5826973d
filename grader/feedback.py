"""The feedback pages render their mathematics offline: MathJax 3 from the ``sphinx-mathjax-offline`` package
(already pinned for the book) is inlined by ``templates/feedback/mathjax.html.j2`` instead of loaded from a CDN."""

from functools import cache
from importlib.metadata import distribution
from pathlib import Path

import nbgrader

TEMPLATES = [str(Path(__file__).with_name("templates")),
             str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates")]


@cache
def mathjax_file(name):
    """The text of one of MathJax's bundled files, e.g. ``tex-svg.js`` (a Jinja filter of the feedback template)."""
    return Path(distribution("sphinx-mathjax-offline").locate_file(
        f"sphinx-mathjax-offline/static/mathjax/{name}")).read_text()
