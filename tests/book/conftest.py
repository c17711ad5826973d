"""The built book: `make book` writes it to _build/html, and `make test` builds it before running these tests."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"


def toc_files():
    """Every document named in _toc.yml, in reading order (paths without suffix, relative to the root)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                found.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return found


@pytest.fixture(scope="session")
def html_dir():
    if not (HTML / "index.html").exists():
        pytest.fail(f"the book is not built: run `make book` first ({HTML} has no index.html)")
    return HTML


@pytest.fixture(scope="session")
def pages(html_dir):
    """The built page of every document in the table of contents."""
    found = {doc: html_dir / f"{doc}.html" for doc in toc_files()}
    missing = [doc for doc, path in found.items() if not path.exists()]
    assert not missing, f"documents in _toc.yml without a built page: {missing}"
    return found
