"""Sphinx extension: launch buttons only where the book names its repository.

Binder and Colab open a notebook from the repository at ``repository.url`` in ``_config.yml``. While that setting is
empty (the course is not published yet) a launch button could only point at a repository that does not exist, so
the launch providers are dropped and the pages offer the download button alone. Set the URL and the buttons appear.
"""

LAUNCH_PROVIDERS = ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "jupyterlite_url", "thebe")


def drop_launch_buttons_without_repository(app, config):
    options = config.html_theme_options
    if not (options.get("repository_url") or "").strip():
        options.pop("repository_url", None)
        launch = options.get("launch_buttons") or {}
        options["launch_buttons"] = {k: v for k, v in launch.items() if k not in LAUNCH_PROVIDERS}


def setup(app):
    app.connect("config-inited", drop_launch_buttons_without_repository)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
