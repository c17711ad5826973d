"""Grading a class in one batch (``python -m grader autograde``): in parallel, through Dask into PostgreSQL, killed
and started again, with a report of what happened to each submission. One small class of e01 submissions."""

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from grader.batch import STATUS
from tests.exercises.conftest import BIN, ROOT, SUBMISSIONS, load_submission, run, write_submission

ASSIGNMENT = "e01_inverted_dropout"
MISTAKES = ["scales_by_p", "backward_unscaled", "ignores_eval_and_bad_p", "hostile_reads_solutions",
            "hostile_escapes_screen", "hostile_patches_comparisons"]
PYTHON = str(BIN / "python")
sys.path.insert(0, str(ROOT / "scripts"))
import postgres  # noqa: E402


def released_course(path, db_url=None):
    """A course directory with e01 released and nothing submitted (its gradebook at ``db_url``, if given)."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", path)
    if db_url:
        with open(path / "nbgrader_config.py", "a") as config:
            config.write(f"c.CourseDirectory.db_url = {db_url!r}\n")
    shutil.copytree(ROOT / "grader", path / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, path / "solutions" / ASSIGNMENT,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    run(path, PYTHON, "-m", "grader", "release-all")
    return path


def submit(course, student, source=None, cells=None):
    target = course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    if cells is not None:
        write_submission(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", cells, target)
    elif source is not None:
        shutil.copy(source, target)
    return target


def honest_class(course):
    """The instructor's solution, the untouched release, typical mistakes and hostile submissions."""
    submit(course, "instructor", course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    submit(course, "unmodified", course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    for name in MISTAKES:
        submit(course, name.replace("_", "-"), cells=load_submission(SUBMISSIONS / ASSIGNMENT / f"{name}.py").CELLS)
    return course


def start_autograde(course, *args, **popen):
    """``python -m grader autograde`` of the assignment with ``args``, started in the background."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.Popen([PYTHON, "-m", "grader", "autograde", ASSIGNMENT, *args], cwd=course, env=env, **popen)


def autograde(course, *args, check=True):
    batch = start_autograde(course, *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = batch.communicate()
    proc = subprocess.CompletedProcess(batch.args, batch.returncode, out, err)
    assert not check or proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def grades(db_url):
    """{student: {part: score}} as the gradebook holds them."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        return {s.student.id: {g.name: g.score for g in s.notebooks[0].grades}
                for s in gb.find_assignment(ASSIGNMENT).submissions}


def sqlite(course):
    return f"sqlite:///{course / 'gradebook.db'}"


def report(course):
    """The rows of the latest report, by student."""
    latest = max((course / "reports").glob(f"{ASSIGNMENT}-*.csv"))
    with open(latest, newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """The honest class graded one submission at a time: the grades every other way must give."""
    course = honest_class(released_course(tmp_path_factory.mktemp("serial")))
    proc = autograde(course, "--jobs", "1")
    assert "judged again by the writer" not in proc.stdout
    return grades(sqlite(course))


def test_serial_grades_are_the_expected_ones(serial):
    assert len(serial) == 2 + len(MISTAKES)
    assert all(score > 0 for score in serial["instructor"].values())
    assert not any(serial["unmodified"].values())
    for name in MISTAKES:
        assert sum(serial[name.replace("_", "-")].values()) < sum(serial["instructor"].values()), name


def test_two_jobs_give_the_serial_grades(tmp_path, serial):
    course = honest_class(released_course(tmp_path / "course"))
    proc = autograde(course, "--jobs", "2")
    assert "judged again by the writer" not in proc.stdout  # every result came from a worker
    assert grades(sqlite(course)) == serial
    assert {row["status"] for row in report(course).values()} == {"graded"}


def test_a_broken_class_gets_the_right_status_for_each_submission(tmp_path):
    course = released_course(tmp_path / "course")
    submit(course, "instructor", course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    submit(course, "hostile", cells=load_submission(SUBMISSIONS / ASSIGNMENT / "hostile_reads_solutions.py").CELLS)
    submit(course, "not-json").write_text('{"cells": [')
    submit(course, "not-a-notebook").write_text('{"cells": "none"}')
    wrong = submit(course, "wrong-name", course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    wrong.rename(wrong.with_name("my_answers.ipynb"))
    (course / "submitted" / "empty" / ASSIGNMENT).mkdir(parents=True)
    (course / "submitted" / "absent").mkdir(parents=True)  # a student of the class without this assignment

    first = autograde(course, check=False)
    assert first.returncode == 1, "newly broken submissions fail the batch that finds them"
    rows = report(course)
    assert {s: r["status"] for s, r in rows.items()} == {
        "instructor": "graded", "hostile": "graded", "not-json": "malformed", "not-a-notebook": "malformed",
        "wrong-name": "malformed", "empty": "malformed", "absent": "not submitted"}
    assert rows["not-json"]["reason"].startswith("not JSON")
    assert rows["not-a-notebook"]["reason"].startswith("not a notebook")
    assert rows["wrong-name"]["reason"] == f"wrong file name: expected {ASSIGNMENT}.ipynb, found my_answers.ipynb"
    assert rows["empty"]["reason"] == "empty folder"
    assert rows["instructor"]["score"] == rows["instructor"]["max_score"]
    assert float(rows["hostile"]["score"]) < float(rows["instructor"]["max_score"])
    assert "  not-json: malformed: not JSON" in first.stdout
    assert "1 not submitted" in first.stdout and "  absent:" not in first.stdout  # counted; the report names them
    assert "Attribute 'checksum'" not in first.stdout + first.stderr  # nbgrader's per-cell notice is kept out

    again = autograde(course)  # recorded: reported again, not a failure, nothing graded twice
    assert {s: r["status"] for s, r in report(course).items()} == {s: r["status"] for s, r in rows.items()}
    assert {r["this_batch"] for r in report(course).values()} == {"no"}
    assert "  empty: malformed: empty folder" in again.stdout

    run(course, PYTHON, "-m", "grader", "grades-csv", "grades.csv")
    with open(course / "grades.csv", newline="") as f:
        exported = {row["student_id"]: row for row in csv.DictReader(f)}
    assert exported["absent"]["status"] == "not submitted" and exported["absent"]["score"] == ""
    assert exported["empty"]["status"] == "not graded: malformed (empty folder)" and exported["empty"]["score"] == ""
    assert exported["instructor"]["status"] == "graded" and float(exported["instructor"]["score"]) > 0


def recorded(db_url):
    """How many submissions have an outcome in the gradebook's status table (0 before the table exists)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(STATUS)).scalar()
    except Exception:  # the batch has not created the table yet
        return 0
    finally:
        engine.dispose()


def test_a_batch_killed_half_way_and_started_again_grades_each_submission_once(tmp_path, serial):
    course = honest_class(released_course(tmp_path / "course"))
    batch = start_autograde(course, "--jobs", "2", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while recorded(sqlite(course)) < 2 and batch.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(batch.pid, signal.SIGKILL)  # the command, its pool and their sandboxes
    batch.wait()
    done_before = recorded(sqlite(course))
    assert 2 <= done_before < len(serial), "the batch was not killed half-way"

    autograde(course, "--jobs", "2")
    rows = report(course)
    assert sum(r["this_batch"] == "no" for r in rows.values()) == done_before  # not graded a second time
    assert grades(sqlite(course)) == serial


def child_processes(pid):
    """``{process id: command name}`` of the processes whose parent is ``pid``."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended meanwhile
        if int(text.rsplit(")", 1)[1].split()[1]) == pid:
            children[int(stat.parent.name)] = text[text.index("(") + 1:text.rindex(")")]
    return children


def test_a_pool_worker_killed_mid_batch_is_replaced_and_the_batch_gets_the_serial_grades(tmp_path, serial):
    course = honest_class(released_course(tmp_path / "course"))
    batch = start_autograde(course, "--jobs", "2", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    while recorded(sqlite(course)) < 1:  # the writer has its gradebook open when the pool is forked again
        assert time.monotonic() < deadline and batch.poll() is None, batch.stdout.read()
        time.sleep(0.1)
    # the pool's workers; the command's other children are the sandbox servers it started for them
    workers = [child for child, name in child_processes(batch.pid).items() if name != "bwrap"]
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    done_before = recorded(sqlite(course))
    out, _ = batch.communicate(timeout=600)
    assert done_before < len(serial), "the worker was killed after the last submission was judged"
    assert batch.returncode == 0, out
    assert "judged again by the writer" not in out
    assert grades(sqlite(course)) == serial
    assert {row["status"] for row in report(course).values()} == {"graded"}


@pytest.fixture(scope="module")
def postgres_url():
    try:
        url, data = postgres.start()
    except postgres.Unavailable as err:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(err))
    yield url
    postgres.stop(data)


def test_dask_workers_into_postgresql_give_the_serial_grades_even_when_a_worker_dies(tmp_path, serial,
                                                                                    postgres_url):
    from distributed import Client, LocalCluster

    course = honest_class(released_course(tmp_path / "course", postgres_url))
    # the workers import grader from the course directory, as workers started in a checkout of the course do
    os.environ["PYTHONPATH"] = str(course)
    try:
        with LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            batch = start_autograde(course, "--scheduler", cluster.scheduler_address, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            deadline = time.monotonic() + 300
            while not client.processing() or not any(client.processing().values()):
                assert time.monotonic() < deadline and batch.poll() is None, batch.stdout.read()
                time.sleep(0.1)
            busy = next(w for w, tasks in client.processing().items() if tasks)
            pid = client.run(os.getpid, workers=[busy])[busy]
            os.kill(pid, signal.SIGKILL)  # a worker dies with a submission in hand
            out, _ = batch.communicate(timeout=600)
            assert batch.returncode == 0, out
    finally:
        del os.environ["PYTHONPATH"]
    assert "judged again by the writer" not in out
    assert grades(postgres_url) == serial
    assert {row["status"] for row in report(course).values()} == {"graded"}


def test_the_writer_applies_a_workers_outputs_and_status_only_to_the_notebook_they_were_computed_for():
    import nbformat

    from grader.batch import PrecomputedExecute, notebook_digest

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("text"), nbformat.v4.new_code_cell("x = 1")])
    status = {"status": "timed out", "reason": "did not finish within 300 seconds", "seconds": 300.0}
    output = nbformat.v4.new_output("stream", name="stdout", text="judged elsewhere\n")
    judged = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("**Not graded**"), *nb.cells])
    judged.cells[2].outputs = [output]
    PrecomputedExecute.results[notebook_digest("a", nb)] = {
        "cells": judged.cells, "metadata": {"dropout_grader": status}, "resources": {"dropout_grader": status}}
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 2")])
    assert notebook_digest("a", other) not in PrecomputedExecute.results
    nb, resources = PrecomputedExecute().preprocess(nb, {"nbgrader": {"assignment": "a"}})
    assert nb.cells == judged.cells and nb.metadata["dropout_grader"] == resources["dropout_grader"] == status
    assert PrecomputedExecute.last_status == status and not PrecomputedExecute.results


def test_a_submission_the_writer_fails_on_leaves_the_gradebook_as_it_was(tmp_path, monkeypatch):
    import nbgrader.api
    import nbgrader.nbgraderformat.common

    from grader.batch import PrecomputedExecute, Writer, load_config

    course = released_course(tmp_path / "course")
    submit(course, "instructor", course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    monkeypatch.chdir(course)
    for module, name in ((nbgrader.api, "create_engine"), (nbgrader.api.Base.metadata, "create_all"),
                         (nbgrader.nbgraderformat.common, "jsonschema")):
        monkeypatch.setattr(module, name, getattr(module, name))  # the writer replaces them: put back afterwards
    writer = Writer(course, load_config(course))

    def fails(self, nb, resources):  # after nbgrader has added the submission and its notebook to the gradebook
        raise RuntimeError("the writer failed")

    monkeypatch.setattr(PrecomputedExecute, "preprocess", fails)
    try:
        score, _, logged, error = writer.autograde(ASSIGNMENT, "instructor", None)
    finally:
        writer.close()
    assert score is None and error.startswith("NbGraderException")
    assert any("the writer failed" in message for message in logged)
    assert grades(sqlite(course)) == {}  # no submission, not one without grades
