"""Sphinx extension: pages that pass axe-core's WCAG 2 A and AA rules, by fixing the markup rather than the rules.

- The theme's navigation puts each chapter's section toggle in a ``<summary>`` that holds only a decorative chevron,
  so a screen reader announces a nameless control (axe: ``summary-name``). Each such toggle gets an ``aria-label``
  naming the chapter it opens.
- docutils marks each bibliography entry with the DPUB role ``doc-biblioentry``, which ARIA 1.2 deprecates, inside a
  ``role="list"`` container, which then has no list items (``aria-deprecated-role``, ``aria-required-children``).
  The entries become ``role="listitem"``: a list of entries, which is what the container says it is.
"""

from functools import wraps

from bs4 import BeautifulSoup


def label_section_toggles(soup):
    """Name every ``<summary>`` of ``soup`` (a BeautifulSoup tree, changed in place) that holds no text."""
    for summary in soup.find_all("summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        item = summary.find_parent("li")
        link = item.find("a", recursive=False) if item is not None else None
        title = link.get_text(" ", strip=True) if link is not None else ""
        summary["aria-label"] = f"Show or hide the pages of {title}" if title else "Show or hide these pages"
    return soup


def accessible_markup(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = context["body"].replace(' role="doc-biblioentry"', ' role="listitem"')
    generate = context.get("generate_toctree_html")
    if generate is not None and not getattr(generate, "labels_toggles", False):
        @wraps(generate)
        def generate_toctree_html(kind, *args, **kwargs):
            out = generate(kind, *args, **kwargs)  # the theme's navigation, a BeautifulSoup tree or its HTML
            return str(label_section_toggles(BeautifulSoup(out, "html.parser"))) if isinstance(out, str) \
                else label_section_toggles(out)

        generate_toctree_html.labels_toggles = True
        context["generate_toctree_html"] = generate_toctree_html


def setup(app):
    app.connect("html-page-context", accessible_markup, priority=900)  # after the theme adds its functions
    return {"parallel_read_safe": True, "parallel_write_safe": True}
