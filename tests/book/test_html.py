"""The built HTML: every page present and executed, nothing loaded from outside the book, every local link target."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
import yaml

from tests.book.conftest import ROOT, toc_files

# The attributes through which a page loads something (an <a href> is a link the reader may follow, not a load).
LOADING = {("script", "src"), ("img", "src"), ("source", "src"), ("iframe", "src"), ("embed", "src"),
           ("video", "src"), ("audio", "src"), ("video", "poster"), ("object", "data"), ("input", "src")}
LOADING_LINK_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut", "apple-touch-icon", "manifest",
                     "prefetch", "preconnect", "dns-prefetch"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")


class Loads(HTMLParser):
    """Collects the URLs a page loads, and its visible text outside scripts and styles."""

    def __init__(self):
        super().__init__()
        self.urls, self.text, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        for t, a in LOADING:
            if tag == t and attrs.get(a):
                self.urls.append(attrs[a])
        if tag == "link" and attrs.get("href") and LOADING_LINK_RELS & set((attrs.get("rel") or "").split()):
            self.urls.append(attrs["href"])
        if attrs.get("srcset"):
            self.urls += [part.split()[0] for part in attrs["srcset"].split(",") if part.strip()]
        if attrs.get("style"):
            self.urls += CSS_URL.findall(attrs["style"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if self._skip:
            self.urls += CSS_URL.findall(data) if "url(" in data or "@import" in data else []
        else:
            self.text.append(data)


def parse(path):
    parser = Loads()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def is_remote(url):
    return url.startswith("//") or urlsplit(url).scheme not in ("", "file", "data")


def all_html(html_dir):
    """The built pages (``_static`` holds the theme's template fragments, not pages)."""
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.relative_to(html_dir).parts)


def test_no_page_loads_anything_from_outside_the_book(html_dir):
    remote = {f"{p.relative_to(html_dir)}: {u}" for p in all_html(html_dir) for u in parse(p).urls if is_remote(u)}
    assert not remote, "remote assets (the book must work offline)"


def test_no_stylesheet_or_script_fetches_from_outside(html_dir):
    """Stylesheets load fonts and images with url() and @import; scripts may name a CDN to load from."""
    remote = set()
    for path in sorted(html_dir.rglob("*.css")):
        remote |= {f"{path.relative_to(html_dir)}: {u}" for u in CSS_URL.findall(path.read_text(errors="replace"))
                   if is_remote(u)}
    assert not remote
    mathjax = html_dir / "_static" / "mathjax"
    assert (mathjax / "tex-chtml.js").exists(), "MathJax is served from the book"
    assert list((mathjax / "output" / "chtml" / "fonts").rglob("*.woff")), "with its fonts"


def test_every_local_asset_exists(html_dir):
    missing = set()
    for page in all_html(html_dir):
        for url in parse(page).urls:
            if is_remote(url) or url.startswith(("data:", "#")):
                continue
            target = (page.parent / unquote(urlsplit(url).path)).resolve()
            if not target.exists():
                missing.add(f"{page.relative_to(html_dir)}: {url}")
    assert not missing


def test_math_pages_use_the_local_mathjax(pages):
    with_math = [doc for doc, path in pages.items() if 'class="math' in path.read_text(encoding="utf-8")]
    assert len(with_math) >= 8, "every chapter has formulas"
    for doc in with_math:
        scripts = [u for u in parse(pages[doc]).urls if "mathjax" in u.lower()]
        assert scripts and all(urlsplit(u).path.endswith("_static/mathjax/tex-chtml.js") for u in scripts), doc


def test_every_notebook_page_was_executed_without_errors(pages):
    notebooks = [doc for doc in toc_files() if doc.startswith("notebooks/")]
    assert len(notebooks) >= 8
    for doc in notebooks:
        html = pages[doc].read_text(encoding="utf-8")
        assert "cell_output" in html, f"{doc} shows no outputs: not executed"
        assert 'class="output traceback' not in html and 'class="output stderr' not in html, f"{doc}: errors"


def test_chapters_show_glued_results_and_figures(pages):
    for doc in toc_files():
        if not re.match(r"book/ch\d\d_", doc):
            continue
        html = pages[doc].read_text(encoding="utf-8")
        assert "pasted-text" in html, f"{doc} quotes no computed number"
        assert "Check yourself" in html


def test_bibliography_lists_the_cited_papers(pages):
    bib = pages["book/bibliography"].read_text(encoding="utf-8")
    assert bib.count('class="citation"') + bib.count("<dt ") >= 10
    assert "Srivastava" in bib and "Gal" in bib


def test_download_and_launch_buttons_on_notebook_pages(html_dir, pages):
    repository = (yaml.safe_load((ROOT / "_config.yml").read_text()).get("repository") or {}).get("url") or ""
    for doc in (d for d in toc_files() if d.startswith("notebooks/")):
        html = pages[doc].read_text(encoding="utf-8")
        links = set(re.findall(r'href="([^"]+\.ipynb)"', html))
        download = [u for u in links if not is_remote(u)]
        assert download, f"{doc}: no download link for its notebook"
        assert all((pages[doc].parent / u).resolve().exists() for u in download), f"{doc}: download target missing"
        name = f"{doc}.ipynb"
        binder = any(u.startswith("https://mybinder.org/") and u.endswith(name) for u in links)
        colab = any(u.startswith("https://colab.research.google.com/") and u.endswith(name) for u in links)
        if repository:
            assert binder and colab, f"{doc}: launch buttons for {repository}"
        else:  # no repository to launch from: no button that points nowhere
            assert not binder and not colab and "launch-buttons" not in html, f"{doc}: launch buttons without a repository"


def published_notebooks(html_dir):
    assignments = sorted(p.parent.name for p in (ROOT / "solutions").glob("*/*.ipynb") if p.stem == p.parent.name)
    assert assignments
    return {a: html_dir / "exercises" / f"{a}.ipynb" for a in assignments}


def test_every_exercise_is_published_with_the_book_as_its_student_version(html_dir, pages):
    exercises_page = pages["book/exercises"]
    linked = set(re.findall(r'href="([^"]+\.ipynb)"', exercises_page.read_text(encoding="utf-8")))
    for assignment, path in published_notebooks(html_dir).items():
        assert path.exists(), f"{assignment}: no student notebook at {path.relative_to(html_dir)}"
        assert f"../exercises/{assignment}.ipynb" in linked, f"the exercises page does not link {assignment}"
        student = nbformat.read(path, as_version=4)
        source = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "grader.judge" not in text
        secret = [c.source.split(begin)[1].split(end)[0] for c in source.cells
                  for begin, end in (("### BEGIN SOLUTION", "### END SOLUTION"),
                                     ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")) if begin in c.source]
        public = "\n".join(c.source for c in source.cells if "### BEGIN SOLUTION" not in c.source)
        for line in (ln.strip() for block in secret for ln in block.strip().splitlines()):
            if len(line) > 25 and line not in public:  # a line the visible tests also show is no secret
                assert line not in text, f"{assignment}: a solution or hidden-test line was published: {line}"
        # the visible tests travel with it: every graded cell, and its code before the hidden part
        graded = {c.metadata["nbgrader"]["grade_id"]: c.source for c in student.cells
                  if c.metadata.get("nbgrader", {}).get("grade")}
        for cell in source.cells:
            if cell.metadata.get("nbgrader", {}).get("grade"):
                visible = cell.source.split("### BEGIN HIDDEN TESTS")[0].strip()
                assert visible in graded[cell.metadata["nbgrader"]["grade_id"]], f"{assignment}: visible tests lost"
        assert not any(c.get("outputs") for c in student.cells if c.cell_type == "code")


def test_published_notebooks_link_to_chapters_of_the_built_book(html_dir):
    for assignment, path in published_notebooks(html_dir).items():
        markdown = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
        links = re.findall(r"\]\(([^)\s]+)\)", markdown)
        local = [u for u in links if not is_remote(u) and not u.startswith("#") and re.search(r"[/.]", u)]
        assert local, f"{assignment}: its recap links to no chapter"
        for url in local:
            assert re.fullmatch(r"\.\./book/ch\d\d_\w+\.html(#[\w-]+)?", url), f"{assignment}: {url}"
            assert (path.parent / urlsplit(url).path).resolve().exists(), f"{assignment}: {url} is not a built page"
