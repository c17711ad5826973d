"""Sphinx extension: give every page each script once.

sphinx-thebe (loaded by Jupyter Book) registers its inline configuration script once in the registry and once
more in the builder (sphinx-togglebutton's too), so every page declared
``const THEBE_JS_URL`` twice and the browser reported a SyntaxError.
"""


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # The repeats name no file as None once and as "" once: compare what the page would load and run.
        key = (str(getattr(script, "filename", script) or ""), tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
