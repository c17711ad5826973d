"""The book's local Sphinx extensions (book/_ext), checked without building the book."""

import sys
from types import SimpleNamespace

from bs4 import BeautifulSoup

from tests.book.conftest import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))

import accessibility  # noqa: E402
import launch_buttons  # noqa: E402
import student_notebooks  # noqa: E402

PROVIDERS = {"notebook_interface": "jupyterlab", "binderhub_url": "https://mybinder.org",
             "colab_url": "https://colab.research.google.com"}


def theme_options(repository_url):
    return SimpleNamespace(html_theme_options={"repository_url": repository_url, "launch_buttons": dict(PROVIDERS)})


def test_launch_buttons_only_with_a_repository():
    unset = theme_options("")
    launch_buttons.drop_launch_buttons_without_repository(None, unset)
    assert unset.html_theme_options == {"launch_buttons": {"notebook_interface": "jupyterlab"}}
    published = theme_options("https://github.com/owner/course")
    launch_buttons.drop_launch_buttons_without_repository(None, published)
    assert published.html_theme_options == {"repository_url": "https://github.com/owner/course",
                                            "launch_buttons": PROVIDERS}


def test_a_section_toggle_without_text_is_named_after_its_chapter():
    soup = BeautifulSoup(
        '<li class="toctree-l1 has-children"><a class="reference internal" href="ch01.html">Overfitting</a>'
        '<details><summary><span class="toctree-toggle" role="presentation"><i></i></span></summary><ul></ul>'
        '</details></li><li><details><summary><p class="caption">Part</p></summary></details></li>', "html.parser")
    accessibility.label_section_toggles(soup)
    named, captioned = soup.find_all("summary")
    assert named["aria-label"] == "Show or hide the pages of Overfitting"
    assert not captioned.has_attr("aria-label"), "a summary with visible text keeps it as its name"


def test_bibliography_entries_become_list_items():
    context = {"body": '<div role="list" class="citation-list">\n<div class="citation" id="a" role="doc-biblioentry">'}
    accessibility.accessible_markup(None, "book/bibliography", "page.html", context, None)
    assert 'role="doc-biblioentry"' not in context["body"] and 'id="a" role="listitem"' in context["body"]


def test_student_notebook_links_relative_to_the_page_and_refuses_unknown_exercises():
    warnings = []
    reporter = SimpleNamespace(warning=lambda msg, line: warnings.append(msg) or msg)
    inliner = SimpleNamespace(reporter=reporter, problematic=lambda raw, text, msg: ("problematic", raw),
                              document=SimpleNamespace(settings=SimpleNamespace(env=SimpleNamespace(
                                  docname="book/exercises"))))
    assignment = student_notebooks.assignments()[0]
    (link,), messages = student_notebooks.student_notebook_role("student-notebook", "", assignment, 1, inliner)
    assert link["refuri"] == f"../exercises/{assignment}.ipynb" and messages == []
    student_notebooks.student_notebook_role("student-notebook", "", "e99_missing", 1, inliner)
    assert warnings and "no exercise 'e99_missing'" in warnings[0]
