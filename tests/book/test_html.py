"""The built HTML: every page present and executed, nothing loaded from outside the book, every local link target."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.book.conftest import toc_files

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
    for doc in (d for d in toc_files() if d.startswith("notebooks/")):
        links = set(re.findall(r'href="([^"]+\.ipynb)"', pages[doc].read_text(encoding="utf-8")))
        download = [u for u in links if not is_remote(u)]
        assert download, f"{doc}: no download link for its notebook"
        assert all((pages[doc].parent / u).resolve().exists() for u in download), f"{doc}: download target missing"
        name = f"{doc}.ipynb"
        assert any(u.startswith("https://mybinder.org/") and u.endswith(name) for u in links), f"{doc}: Binder"
        assert any(u.startswith("https://colab.research.google.com/") and u.endswith(name) for u in links), doc
