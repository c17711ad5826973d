"""Every assignment is named where students look for it: the book's exercises page and the chapter its recap
links to (whose "Graded exercise" line names it)."""

import re

import nbformat
import pytest

from tests.exercises.conftest import ASSIGNMENTS, ROOT

CHAPTER_LINK = re.compile(r"\]\((?:\.\./)+book/(ch\d\d_\w+)\.(?:md|html)(?:#[\w-]+)?\)")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercises_page_and_linked_chapter_name_the_assignment(assignment):
    assert f"`{assignment}`" in (ROOT / "book" / "exercises.md").read_text(), (
        f"book/exercises.md has no row for {assignment}")
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    chapters = CHAPTER_LINK.findall(nb.cells[0].source)
    assert chapters, f"the recap of {assignment} links to no chapter page"
    page = ROOT / "book" / f"{chapters[0]}.md"
    assert page.exists(), f"the recap of {assignment} links to {chapters[0]}, which is not a chapter"
    assert f"`{assignment}`" in page.read_text(), f"book/{page.name} does not name {assignment} as its exercise"
