"""The nbgrader workflow with the plain commands, through an exchange folder: release, fetch, submit, collect,
autograde, feedback, release feedback, fetch feedback; and a configuration the Formgrader can show."""

import json
import os
import shutil

import pytest
from traitlets.config.loader import PyFileConfigLoader

from tests.exercises.conftest import BIN, ROOT, run
from tests.exercises.test_batch import ASSIGNMENT, PYTHON, released_course


@pytest.fixture(scope="module")
def feedback_page(tmp_path_factory):
    """Release, fetch, submit, collect, autograde, feedback, release feedback, fetch feedback: the student's page."""
    tmp_path = tmp_path_factory.mktemp("workflow")
    exchange = tmp_path / "exchange"
    os.environ["DROPOUT_EXCHANGE"] = str(exchange)  # the course's one setting, for the instructor's commands
    try:
        course = released_course(tmp_path / "course")
        nbgrader = str(BIN / "nbgrader")
        run(course, nbgrader, "release_assignment", ASSIGNMENT)

        student = tmp_path / "student"  # a student's own folder and nbgrader settings: same course, same exchange
        student.mkdir()
        (student / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.CourseDirectory.course_id = 'dropout'\nc.Exchange.root = {str(exchange)!r}\n")
        run(student, nbgrader, "fetch_assignment", ASSIGNMENT)
        shutil.copy(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", student / ASSIGNMENT)
        run(student, nbgrader, "submit", ASSIGNMENT)

        run(course, nbgrader, "collect", ASSIGNMENT)
        collected = [p.name for p in (course / "submitted").iterdir()]
        assert len(collected) == 1
        summary = run(course, PYTHON, "-m", "grader", "autograde", ASSIGNMENT).stdout
        assert f"{ASSIGNMENT}: 1 students: 1 graded" in summary
        run(course, nbgrader, "generate_feedback", ASSIGNMENT)
        run(course, nbgrader, "release_feedback", ASSIGNMENT)
    finally:
        del os.environ["DROPOUT_EXCHANGE"]

    run(student, nbgrader, "fetch_feedback", ASSIGNMENT)
    pages = list((student / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
    assert len(pages) == 1
    return pages[0]


def test_release_fetch_submit_collect_autograde_feedback_through_the_exchange(feedback_page):
    page = feedback_page.read_text()
    assert "all hidden tests passed" in page and "HIDDEN TESTS" not in page
    assert "<script src=" not in page and "window.MathJax" in page  # MathJax inlined, nothing loaded from a CDN


def test_feedback_renders_its_mathematics_without_a_network(feedback_page):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium is not installed (make browser installs it)")
    from playwright.sync_api import sync_playwright

    assert "$p$" in feedback_page.read_text()  # the exercise's text has formulas
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        requested = []
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                   else (requested.append(route.request.url), route.abort()))
        page.goto(feedback_page.as_uri())
        page.wait_for_function("document.querySelectorAll('mjx-container').length > 0", timeout=60_000)
        text = page.evaluate("document.body.innerText")
        browser.close()
    assert requested == [] and "$p$" not in text


def test_the_configuration_is_serializable():
    """The Formgrader shows the configuration as JSON: classes in it would show as empty strings."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    text = json.dumps(config)
    assert "grader.nbgrader_plugin.JudgedExecute" in text and "grader.sanitize.QuietOverwriteCells" in text
