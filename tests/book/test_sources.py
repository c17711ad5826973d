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


def claims_rows():
    """(claim, source, verdict, evidence) of every table row on the claims page."""
    rows = []
    for line in (ROOT / "book" / "claims.md").read_text().splitlines():
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line) and not line.startswith("| claim |"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            assert len(cells) == 4, f"a claims row needs four columns: {line}"
            rows.append(cells)
    return rows


def test_claims_page_states_the_verdict_rule_and_types_no_number_by_hand():
    text = (ROOT / "book" / "claims.md").read_text()
    assert "(claims-verdict-rule)=" in text and "not shown at this scale" in text
    rows = claims_rows()
    assert len(rows) >= 85
    for claim, _, verdict, _ in rows:
        # what is left of the verdict once glued values, citations, formulas and code are taken out
        typed = re.sub(r"\{(glue:text|cite:[tp]|ref)\}`[^`]*`|\$[^$]*\$|`[^`]*`", "", verdict)
        # a digit that is part of a name (L2, CO₂ is not a digit) is no number
        assert not re.search(r"(?<![A-Za-z])\d", typed), f"a number typed by hand in the verdict of {claim!r}: {typed!r}"
    glued = re.findall(r"\{glue:text\}`\.\./notebooks/(\w+)\.ipynb::(\w+)", text)
    assert len(glued) >= 120
    prefixes = {"ch05_experiments": "ch05x_", "ch08_other_views": "ch08v_", "ch06_srivastava": "ch06s_"}
    for notebook, key in glued:
        assert (ROOT / "notebooks" / f"{notebook}.ipynb").exists(), f"{key} is glued from a missing notebook"
        assert key.startswith(prefixes.get(notebook, notebook[:5])), f"{key} does not belong to {notebook}"


def test_experimental_verdicts_are_glued_words():
    """A verdict that rests on training runs is a glued word, not typed: rows that quote a seeded comparison
    (numbers with standard errors) carry at least one glued verdict word."""
    for claim, _, verdict, _ in claims_rows():
        if "_verdict_" in verdict and "_numbers" in verdict:
            words = re.findall(r"::(\w+_verdict_\w+?)(?::\w*)?`", verdict)
            assert any(not w.endswith("_numbers") for w in words), f"{claim!r} glues the numbers but not the word"
