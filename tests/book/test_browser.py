"""Built pages opened in headless Chromium: formulas typeset, figures loaded, a clean console, nothing remote.

Debian's Chromium (`make browser` installs it as root) is driven through Playwright with its executable path:
Playwright's own browser builds cannot be downloaded here. Without Chromium the test is skipped, except in CI,
where it must run. Every page is also checked with axe-core (npm, installed by `make browser`) against the WCAG 2
A and AA rules.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.book.conftest import ROOT, toc_files

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The flags keep Chromium from reaching for Google's services at start, which a closed network refuses noisily.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps"]
# Every page of narrative, and one notebook page (the notebooks share one layout).
PAGES = [doc for doc in toc_files() if doc.startswith("book/")] + ["notebooks/ch02_ensemble"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa"]
SCREENSHOT = ROOT / "_build" / "artifacts" / "ch03_inverted_scaling.png"

if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser test, but no Chromium is installed (run `make browser`)")
    pytest.skip("no Chromium: `make browser` installs Debian's package (needs root)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def open_page(browser, path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log = {"errors": [], "remote": []}
    page.on("console", lambda m: m.type == "error" and log["errors"].append(m.text))
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on("request", lambda r: r.url.startswith(("file:", "data:", "blob:")) or log["remote"].append(r.url))
    page.on("requestfailed", lambda r: log["errors"].append(f"failed to load {r.url}"))
    page.goto(path.as_uri(), wait_until="load")
    return page, log


def wait_for_mathjax(page):
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20_000)
    page.evaluate("() => MathJax.startup.promise")


@pytest.mark.parametrize("doc", PAGES)
def test_page_renders_offline_with_a_clean_console(browser, pages, doc):
    page, log = open_page(browser, pages[doc])
    html = pages[doc].read_text(encoding="utf-8")
    if 'class="math' in html:
        wait_for_mathjax(page)
        assert page.locator("mjx-container").count() > 0, "formulas are typeset"
        text = page.inner_text("main")
        assert "$$" not in text and "\\frac" not in text, "raw TeX left on the page"
        too_wide = page.evaluate("""() => Array.from(document.querySelectorAll('main mjx-container[display="true"]'))
            .filter(e => e.scrollWidth > e.clientWidth + 2).map(e => e.textContent.slice(0, 60))""")
        assert too_wide == [], "display formulas wider than the page (split them with aligned)"
    images = page.evaluate("() => Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth])")
    assert all(width > 0 for _, width in images), f"images that did not load: {images}"
    page.wait_for_timeout(300)  # late console messages from the theme's scripts
    assert log["errors"] == []
    assert log["remote"] == []
    if doc == "book/ch03_inverted_scaling":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        assert SCREENSHOT.stat().st_size > 10_000
    page.close()


def test_chapter_figures_are_drawn(browser, pages):
    page, log = open_page(browser, pages["book/ch05_variants"])
    widths = page.evaluate("() => Array.from(document.querySelectorAll('main img')).map(i => i.naturalWidth)")
    assert widths and min(widths) > 100, "the chapter shows its figures"
    page.close()


@pytest.mark.parametrize("doc", toc_files())
def test_page_passes_the_wcag_a_and_aa_rules_of_axe(browser, pages, doc):
    if not AXE.exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"CI must run the accessibility test, but {AXE} is missing (run `make browser`)")
        pytest.skip("no axe-core: `make browser` installs it with npm")
    page, _ = open_page(browser, pages[doc])
    if 'class="math' in pages[doc].read_text(encoding="utf-8"):
        wait_for_mathjax(page)  # check the page as a reader gets it, with its formulas typeset
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
        return result.violations.map(v => `${v.id} (${v.nodes.length}): ${v.help}; ` +
                                          v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
    }""", WCAG_A_AA)
    page.close()
    assert violations == []
