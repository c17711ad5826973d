"""The book's sources: a chapter per file, a companion notebook per chapter, no outputs stored in git."""

import json
import re

import pytest

from tests.book.conftest import ROOT, toc_files

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHAPTERS = sorted((ROOT / "book").glob("ch*.md"))


def test_every_source_is_in_the_table_of_contents():
    listed = set(toc_files())
    sources = {f"notebooks/{p.stem}" for p in NOTEBOOKS} | {f"book/{p.stem}" for p in (ROOT / "book").glob("*.md")}
    assert sources - listed == set(), "sources the book would not build"
    assert listed - sources == set(), "_toc.yml names files that do not exist"


def test_nine_chapters_each_with_its_notebook():
    numbers = {int(m.group(1)) for p in CHAPTERS if (m := re.match(r"ch(\d\d)_", p.stem))}
    assert numbers == set(range(1, 10))
    for chapter in CHAPTERS:
        assert (ROOT / "notebooks" / f"{chapter.stem}.ipynb").exists(), f"{chapter.name} has no companion notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs_and_imports_the_library(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert not [c for c in code if c.get("outputs") or c.get("execution_count")], "strip outputs before committing"
    assert any("dropout_lib" in "".join(c["source"]) for c in code), "a companion notebook imports dropout_lib"
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# "), "a page needs a title"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_quotes_only_its_notebooks_results(path):
    """Numbers come from glue; each glued key belongs to a notebook of the book."""
    text = path.read_text()
    refs = re.findall(r"\.\./notebooks/([\w]+)\.ipynb", text)
    assert refs, f"{path.name} shows no result of a notebook"
    for name in set(refs):
        assert (ROOT / "notebooks" / f"{name}.ipynb").exists()
    assert "Check yourself" in text


def test_every_checked_claim_is_listed_on_the_claims_page():
    labels = {m for p in CHAPTERS for m in re.findall(r"^\((ch\d\dx?v?-claim-[\w-]+)\)=$", p.read_text(), re.M)}
    listed = set(re.findall(r"<(ch\d\dx?v?-claim-[\w-]+)>", (ROOT / "book" / "claims.md").read_text()))
    assert len(labels) >= 50
    assert labels - listed == set(), "claims with evidence in a chapter but no row on the claims page"
