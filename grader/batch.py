"""Grade a class in one batch: judges run in parallel, one writer records every grade through nbgrader.

The expensive part of autograding a submission is the judge (sandbox, probes, verdicts). Workers run it (a process
pool for ``--jobs N``, Dask distributed workers for ``--scheduler ADDRESS``) on a plain description of the notebook
and return the judged notebook's outputs. This process is the gradebook's only writer: it runs nbgrader's own
``Autograde`` converter for each submission, in which ``PrecomputedExecute`` applies the worker's outputs instead of
judging again. nbgrader's gradebook, autograded notebooks, feedback and export therefore stay exactly as with the
plain ``nbgrader autograde``.

A result is keyed by a digest of the exact notebook the judge sees (after nbgrader restored the instructor's test
cells), so a result can only be applied to the notebook it was computed for; when the writer's notebook differs
from the worker's reconstruction, the writer judges it itself (slower, never wrong).

Each submission's outcome is stored in the gradebook's database (table ``dropout_grader_status``) after its grades:
a batch that is killed and started again grades what has no outcome yet (or changed since), and nothing twice.
"""

import collections
import concurrent.futures
import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import time
import warnings
from pathlib import Path

import jsonschema
import nbformat
import nbgrader.api
import nbgrader.nbgraderformat.common
from nbgrader import utils
from sqlalchemy import Column, Float, MetaData, String, Table, Text, create_engine, delete, insert, select
from sqlalchemy.exc import SAWarning

from grader import policy
from grader.nbgrader_plugin import JudgedExecute
from grader.sandbox import let_go_of_started

# What a submission's outcome can be (see grader/README.md): the judge's statuses, and those found before grading.
GRADED, NOT_SUBMITTED, MALFORMED, GRADER_ERROR = "graded", "not submitted", "malformed", "grader error"
RETRIED = {GRADER_ERROR}  # outcomes that are not the submission's doing: graded again by the next batch
RETRIES = 3  # times a submission is given to a fresh worker after its worker died

STATUS = Table(
    "dropout_grader_status", MetaData(),
    Column("assignment", String(128), primary_key=True), Column("student", String(128), primary_key=True),
    Column("status", String(32), nullable=False), Column("reason", Text, nullable=False, default=""),
    Column("score", Float), Column("max_score", Float), Column("seconds", Float),
    Column("digest", String(64), nullable=False),
)


def notebook_digest(assignment, nb):
    """A digest of everything of a notebook the judge may read: cell types, sources and nbgrader metadata."""
    cells = [(c.cell_type, c.source, c.metadata.get("nbgrader", {})) for c in nb.cells]
    return hashlib.sha256(json.dumps([assignment, cells], sort_keys=True, default=str).encode()).hexdigest()


def restore_instructor_cells(nb, source_cells):
    """What nbgrader's ``OverwriteCells`` does to a submission, from the gradebook's source cells as plain data:
    locked cells get the instructor's source back; every cell with a known ``grade_id`` its type, points and
    checksum."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta or meta.get("grade_id") not in source_cells:
            if meta and "grade_id" in meta:
                del meta["grade_id"]
            continue
        source = source_cells[meta["grade_id"]]
        if cell.cell_type != source["cell_type"]:
            cell.cell_type = source["cell_type"]
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            else:
                cell.pop("outputs", None)
                cell.pop("execution_count", None)
        if utils.is_locked(cell) != source["locked"]:
            meta["locked"] = source["locked"]
        if utils.is_grade(cell) and float(meta["points"]) != float(source["points"]):
            meta["points"] = source["points"]
        meta["checksum"] = source["checksum"]
        if source["locked"]:
            cell.source = source["source"]
    return nb


def judge_submission(task):
    """Judge one submission (runs in a worker): the judged notebook's cells, and what the judge added to its
    metadata and to nbgrader's resources, as plain data.

    ``task``: ``assignment``, ``student``, ``notebook`` (the submitted JSON), ``source_cells`` (from the gradebook)
    and ``config`` (the ``JudgedExecute`` settings of the writer's configuration).
    """
    from nbgrader.preprocessors import ClearOutput, DeduplicateIds
    from traitlets.config import Config

    start = time.monotonic()
    resources = {"nbgrader": {"assignment": task["assignment"], "notebook": task["assignment"],
                              "student": task["student"]}}
    nb = nbformat.reads(task["notebook"], as_version=4)
    for step in (ClearOutput(), DeduplicateIds()):  # nbgrader's sanitizing steps that need no gradebook
        nb, _ = step.preprocess(nb, {})
    nb = restore_instructor_cells(nb, task["source_cells"])
    digest = notebook_digest(task["assignment"], nb)
    metadata = json.loads(json.dumps(nb.metadata))
    nb, resources = JudgedExecute(config=Config({"JudgedExecute": task["config"]})).preprocess(nb, resources)
    return {
        "digest": digest,
        "cells": json.loads(json.dumps(nb.cells)),
        "metadata": {k: v for k, v in nb.metadata.items() if metadata.get(k) != v},
        "resources": {k: v for k, v in resources.items() if k != "nbgrader"},
        "seconds": time.monotonic() - start,
    }


class PrecomputedExecute(JudgedExecute):
    """``JudgedExecute`` that applies a worker's result for this exact notebook, and judges it here otherwise."""

    results = {}  # digest -> judge_submission's result, filled by the writer before each submission
    judged_here = 0  # notebooks whose worker result did not match: counted in the batch's summary
    last_status = {}  # the judge's status record of the last notebook (see the contract in grader/README.md)

    def preprocess(self, nb, resources):
        result = self.results.pop(notebook_digest(resources["nbgrader"]["assignment"], nb), None)
        if result is None:
            type(self).judged_here += 1
            nb, resources = super().preprocess(nb, resources)
        else:  # the worker judged this very notebook: its cells are what judging here would give
            nb.cells = [nbformat.from_dict(cell) for cell in result["cells"]]
            nb.metadata.update(nbformat.from_dict(result["metadata"]))
            resources.update(result["resources"])
        type(self).last_status = dict(nb.metadata.get("dropout_grader", {}))
        return nb, resources


# ---------------------------------------------------------------------------------------------------- the class


def inspect_submission(folder, assignment):
    """``(notebook JSON, None)`` for a well-formed submission, ``(None, why)`` for a malformed one."""
    expected = folder / f"{assignment}.ipynb"
    if not expected.is_file():
        files = sorted(p.name for p in folder.rglob("*") if p.is_file() and p.name != "timestamp.txt")
        if not files:
            return None, "empty folder"
        return None, f"wrong file name: expected {expected.name}, found {', '.join(files[:5])}"
    raw = expected.read_bytes()
    try:
        text = raw.decode("utf-8")
        json.loads(text)
    except (UnicodeDecodeError, ValueError) as err:
        return None, f"not JSON ({err})"
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # nbformat raises several kinds of error for JSON that is not a notebook
        return None, f"not a notebook ({type(err).__name__}: {str(err).splitlines()[0][:200]})"
    return text, None


def folder_digest(folder):
    """A digest of a submission folder's files: a changed submission is graded again."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def read_status(engine, assignment):
    STATUS.create(engine, checkfirst=True)
    with engine.connect() as conn:
        rows = conn.execute(select(STATUS).where(STATUS.c.assignment == assignment)).mappings()
        return {row["student"]: dict(row) for row in rows}


def write_status(engine, row):
    with engine.begin() as conn:  # one transaction: a killed batch leaves the old row or the new one
        conn.execute(delete(STATUS).where((STATUS.c.assignment == row["assignment"])
                                          & (STATUS.c.student == row["student"])))
        conn.execute(insert(STATUS).values(**row))


class SchemaCheckedOnce:
    """``jsonschema`` for nbgrader's cell-metadata check, whose ``validate`` checks a schema against its metaschema
    once instead of for every cell of every submission (a fifth of the writer's time); the same errors otherwise."""

    checked = set()

    def __getattr__(self, name):
        return getattr(jsonschema, name)

    def validate(self, instance, schema):
        cls = jsonschema.validators.validator_for(schema)
        key = json.dumps(schema, sort_keys=True)
        if key not in self.checked:
            cls.check_schema(schema)
            self.checked.add(key)
        error = jsonschema.exceptions.best_match(cls(schema).iter_errors(instance))
        if error is not None:
            raise error


class Writer:
    """The gradebook's one writer: nbgrader's ``Autograde`` for one submission at a time, in this process."""

    def __init__(self, root, config):
        from nbgrader.coursedir import CourseDirectory

        self.root, self.config = root, config
        self.coursedir = CourseDirectory(config=config)
        self.log = logging.getLogger("grader.batch.nbgrader")
        self.log.propagate = False
        self.log.setLevel(logging.WARNING)
        self.warnings = []
        handler = logging.Handler()
        handler.emit = lambda record: self.warnings.append(record.getMessage())
        # the batch itself decided to grade again: nbgrader's notice that it replaces the old result is no news
        handler.addFilter(lambda record: not record.getMessage().startswith("Removing existing assignment"))
        self.log.handlers = [handler]
        # nbgrader 0.9 adds a submission to its SQLAlchemy session in a way SQLAlchemy 2 warns about; harmless
        warnings.filterwarnings("ignore", category=SAWarning, module="nbgrader.api")
        self.engines = {}
        self.connection = None  # while one submission is recorded: the connection of its one transaction
        nbgrader.api.create_engine = self.engine
        created = set()
        create_all = nbgrader.api.Base.metadata.create_all

        def create_tables_once(bind, **kwargs):  # nbgrader checks every table each time it opens the gradebook
            if bind.engine.url not in created:
                create_all(bind=bind, **kwargs)
                created.add(bind.engine.url)
        nbgrader.api.Base.metadata.create_all = create_tables_once
        nbgrader.nbgraderformat.common.jsonschema = SchemaCheckedOnce()

    def engine(self, url, **kwargs):
        """nbgrader opens the gradebook about ten times per submission, each time with a new engine (every query
        compiled again) and a new connection, and disposes of it on closing: most of the writer's time. The writer
        keeps one engine per URL, whose connections nbgrader's ``close()`` returns to the pool instead of closing;
        :meth:`close` disposes of them at the end of the batch."""
        if self.connection is not None and url == self.coursedir.db_url:
            return self.connection
        if url not in self.engines:
            engine = self.engines[url] = create_engine(url, **kwargs)
            engine.dispose = lambda close=True: None
        return self.engines[url]

    def close(self):
        for engine in self.engines.values():
            type(engine).dispose(engine)

    def source_cells(self, assignment):
        """The instructor's cells of ``assignment`` as the gradebook stores them, as plain data for the workers."""
        from nbgrader.api import Gradebook

        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            notebook = gb.find_notebook(assignment, assignment)
            points = {c.name: c.max_score for c in notebook.grade_cells}
            return {c.name: {"source": c.source, "cell_type": c.cell_type, "locked": c.locked,
                             "checksum": c.checksum, "points": points.get(c.name)} for c in notebook.source_cells}

    def autograde(self, assignment, student, result):
        """Record a judged submission; returns (score, max score, nbgrader's warnings, nbgrader's error)."""
        from nbgrader.api import Gradebook
        from nbgrader.converters import Autograde

        self.warnings.clear()
        if result is not None:
            PrecomputedExecute.results[result["digest"]] = result
        self.coursedir.assignment_id, self.coursedir.student_id = assignment, student
        app = Autograde(coursedir=self.coursedir, config=self.config, log=self.log)
        app.force, app.create_student = True, True
        error = None
        # One transaction for the whole submission, where nbgrader commits about twenty times (each commit of
        # SQLite waits for the disk): nbgrader's sessions are bound to its connection, so their commits only flush
        # (SQLAlchemy's "joining a session into an external transaction"). A failure leaves the gradebook as it was.
        with self.engine(self.coursedir.db_url).connect() as connection:
            connection.dispose = lambda: None  # what nbgrader does to its engine on closing the gradebook
            transaction, self.connection = connection.begin(), connection
            try:
                app.start()
                with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
                    submission = gb.find_submission(assignment, student)
                    score, max_score = submission.score, submission.max_score
            except Exception as err:  # nbgrader reports a failed conversion by raising; the batch goes on
                error = f"{type(err).__name__}: {err}"
            finally:
                self.connection = None
                PrecomputedExecute.results.clear()
            if error:
                transaction.rollback()
                return None, None, list(self.warnings), error
            transaction.commit()
        return score, max_score, list(self.warnings), None


def load_config(root):
    """The course's nbgrader configuration, with the writer's ``PrecomputedExecute`` in place of ``JudgedExecute``."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    config.Autograde.autograde_preprocessors = [
        "grader.batch.PrecomputedExecute" if str(getattr(p, "__name__", p)).endswith("JudgedExecute") else p
        for p in config.Autograde.autograde_preprocessors]
    return config


def class_of(root, assignment, coursedir):
    """Every student of the class and their submission folder for ``assignment`` (None when there is none).

    The class is every student in the gradebook and every folder of ``submitted/``."""
    from nbgrader.api import Gradebook

    submitted = Path(coursedir.root) / coursedir.submitted_directory
    folders = {p.name for p in submitted.iterdir() if p.is_dir()} if submitted.is_dir() else set()
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        students = {s.id for s in gb.students}
        for student in folders - students:
            gb.update_or_create_student(student)  # so that grades.csv lists them, as "not submitted" if need be
    students |= folders
    return {s: submitted / s / assignment if (submitted / s / assignment).is_dir() else None for s in sorted(students)}


# ---------------------------------------------------------------------------------------------------- executors


class SerialExecutor(concurrent.futures.Executor):
    """Judges in this process, one submission at a time (``--jobs 1``: what the plain ``nbgrader autograde`` does)."""

    def submit(self, fn, *args):
        future = concurrent.futures.Future()
        try:
            future.set_result(fn(*args))
        except BaseException as err:
            future.set_exception(err)
        return future


def import_judge():
    """Import what the judge needs (PyTorch, nbgrader's preprocessors, IPython's input transformer, every
    assignment's verdicts) in this process, so that forked workers start with it instead of importing it each."""
    import IPython.core.inputtransformer2  # noqa: F401
    import nbgrader.preprocessors  # noqa: F401
    import torch  # noqa: F401

    import grader.judge as judge

    for folder in sorted(judge.CHECKS.iterdir()):
        if (folder / "verdicts.py").is_file():
            importlib.import_module(f"grader.checks.{folder.name}.verdicts")


def warm_up(slots):
    """A pool worker's start: yield the CPU to the writer, and have its sandbox server ready (one that the command
    started for it, the ``slots.value``-th, or a new one) before its first submission arrives."""
    from grader.sandbox import _get_server, claim_server

    os.nice(policy.JUDGE_NICENESS)
    with slots.get_lock():
        index, slots.value = slots.value, slots.value + 1
    claim_server(index)
    try:
        _get_server(True)
    except Exception:  # no bubblewrap, say: the judge reports it with the first submission
        pass


class Judges:
    """Where the judges run for a whole batch: Dask workers at ``scheduler``, else a pool of ``jobs`` processes
    (started once: each worker keeps its sandbox server, which has imported the libraries, for every submission)."""

    def __init__(self, jobs, scheduler):
        self.jobs, self.scheduler, self.client, self.executor = jobs, scheduler, None, None

    def start(self):
        if self.scheduler:
            from distributed import Client

            self.client = Client(self.scheduler)
            self.executor = self.client.get_executor(pure=False)
        elif self.jobs == 1:
            self.executor = SerialExecutor()
        else:
            # Forked workers inherit the libraries this process imported, where each spawned worker would spend
            # seconds importing them again. The pool forks all its workers before its own thread starts, and
            # this process has none of its own (a broken pool is joined before the next starts); a worker never
            # touches the gradebook connections it inherits and ends with os._exit, which closes none of them.
            import_judge()
            context = multiprocessing.get_context("fork")
            self.executor = concurrent.futures.ProcessPoolExecutor(
                self.jobs, mp_context=context, initializer=warm_up, initargs=(context.Value("i", 0),))
            for _ in range(self.jobs):  # every worker starts now, while the writer is still getting ready
                self.executor.submit(int)
            let_go_of_started()  # the sandbox servers started for the workers are theirs now

    def window(self):
        """How many tasks are handed out ahead of the writer: enough to keep every worker busy while it writes,
        few enough that a large class is not held in memory at once (1 when judging in this process)."""
        if isinstance(self.executor, SerialExecutor):
            return 1
        workers = len(self.client.scheduler_info()["workers"]) if self.client is not None else self.jobs
        return max(16, 4 * workers)

    def close(self, wait=False):
        if self.client is not None:  # Dask's executor cancels what is pending itself
            self.executor.shutdown(wait=False)
            self.client.close()
        elif self.executor is not None:
            self.executor.shutdown(wait=wait, cancel_futures=True)
        self.client = self.executor = None

    def judge(self, tasks):
        """Yield ``(task, result or None, error or None)`` as the judges finish, taking ``tasks`` (any iterable,
        consumed as the judges free up) across assignments, so that no worker waits for the end of one.

        A pool whose worker died (killed from outside: a submission runs in the sandbox, never in the worker) is
        replaced and its unfinished tasks are given to the new one, each task up to ``RETRIES`` more times; Dask
        reschedules the tasks of a lost worker itself.
        """
        tasks, again, tries, in_flight = iter(tasks), collections.deque(), collections.Counter(), {}
        while True:
            if self.executor is None:
                self.start()
            window = self.window()
            while len(in_flight) < window:
                task = again.popleft() if again else next(tasks, None)
                if task is None:
                    break
                tries[id(task)] += 1
                in_flight[self.executor.submit(judge_submission, task)] = task
            if not in_flight:
                return
            done, _ = concurrent.futures.wait(in_flight, return_when=concurrent.futures.FIRST_COMPLETED)
            broken = []
            for future in done:
                task = in_flight.pop(future)
                try:
                    result = future.result()
                except concurrent.futures.process.BrokenProcessPool:
                    broken.append(task)
                    continue
                except Exception as err:  # the judge itself failed, or Dask gave up on the task
                    yield task, None, f"{type(err).__name__}: {err}"
                    continue
                yield task, result, None
            if broken:  # the whole pool is gone: everything it held is judged again by a new one
                broken += in_flight.values()
                in_flight.clear()
                self.close(wait=True)  # its workers are dead: this joins its thread before the next pool forks
                for task in broken:
                    if tries[id(task)] > RETRIES:
                        yield task, None, "the process that judged it died, every time it was tried"
                    else:
                        again.append(task)


# ---------------------------------------------------------------------------------------------------- the batch


def plan_assignment(writer, engine, assignment, force):
    """The report's rows of ``assignment``, one per student, and the judge's tasks: every submission without an
    outcome yet (or changed since, or with a grader error). Malformed submissions are recorded here."""
    previous = read_status(engine, assignment)
    rows, tasks = [], []
    source_cells = writer.source_cells(assignment)
    judge_config = dict(writer.config.get("JudgedExecute", {}))
    for student, folder in class_of(writer.root, assignment, writer.coursedir).items():
        row = {"assignment": assignment, "student": student, "status": NOT_SUBMITTED, "reason": "", "score": None,
               "max_score": None, "seconds": None, "digest": "", "new": False}
        rows.append(row)
        if folder is None:
            continue
        row["digest"] = folder_digest(folder)
        before = previous.get(student)
        if before and before["digest"] == row["digest"] and before["status"] not in RETRIED and not force:
            row.update(before, new=False)  # recorded by an earlier batch: reported, not graded again
            continue
        notebook, why = inspect_submission(folder, assignment)
        if notebook is None:
            row.update(status=MALFORMED, reason=why,
                       new=not (before and before["digest"] == row["digest"] and before["status"] == MALFORMED))
            write_status(engine, {k: v for k, v in row.items() if k != "new"})
            continue
        tasks.append({"assignment": assignment, "student": student, "notebook": notebook,
                      "source_cells": source_cells, "config": judge_config})
    return rows, tasks


def record(writer, engine, row, task, result, error):
    """Write one judged submission into the gradebook (or its grader error), then its outcome."""
    row["new"] = True
    if error is None:
        PrecomputedExecute.last_status = {}
        score, max_score, warnings, error = writer.autograde(task["assignment"], task["student"], result)
        for message in warnings:
            print(f"  {task['assignment']} / {task['student']}: {message}", flush=True)
    if error is not None:
        row.update(status=GRADER_ERROR, reason=error, seconds=result and result["seconds"])
    else:
        judged = PrecomputedExecute.last_status
        row.update(status=judged.get("status", GRADED), reason=judged.get("reason", ""), score=score,
                   max_score=max_score, seconds=judged.get("seconds", result["seconds"]))
    write_status(engine, {k: v for k, v in row.items() if k != "new"})


def autograde(root, assignments, *, jobs, scheduler=None, force=False):
    """Grade ``assignments`` of the course in ``root``; returns the exit status.

    The exit status is 0 when every submission has an outcome that is the submission's own (graded, or broken and
    already recorded by an earlier batch), 1 when one could not be graded for another reason or is newly broken.
    """
    from grader.report import print_summary, write_report

    judges = Judges(jobs, scheduler)
    try:
        judges.start()  # the workers get ready while the writer does
        config = load_config(root)
        writer = Writer(root, config)
    except BaseException:
        judges.close()
        raise
    engine = create_engine(writer.coursedir.db_url, future=True)
    PrecomputedExecute.judged_here = 0
    batch = {}  # assignment -> {"rows", "row_of", "left", "start"}: what is still being judged
    failed = False

    def finish(assignment):
        nonlocal failed
        entry = batch.pop(assignment)
        path = write_report(Path(root) / "reports", assignment, entry["rows"])
        print_summary(assignment, entry["rows"], path, time.monotonic() - entry["start"])
        failed |= any(r["status"] in RETRIED or (r["status"] == MALFORMED and r["new"]) for r in entry["rows"])

    def all_tasks():  # planned one assignment at a time, while the judges work on the earlier ones
        for assignment in assignments:
            start = time.monotonic()
            rows, tasks = plan_assignment(writer, engine, assignment, force)
            batch[assignment] = {"rows": rows, "row_of": {r["student"]: r for r in rows}, "left": len(tasks),
                                 "start": start}
            if not tasks:
                finish(assignment)
            yield from tasks

    try:
        for task, result, error in judges.judge(all_tasks()):
            entry = batch[task["assignment"]]
            record(writer, engine, entry["row_of"][task["student"]], task, result, error)
            entry["left"] -= 1
            if not entry["left"]:
                finish(task["assignment"])
    finally:
        judges.close()
        engine.dispose()
        writer.close()
    if PrecomputedExecute.judged_here:
        print(f"{PrecomputedExecute.judged_here} submission(s) judged again by the writer: the notebook it received "
              "differed from the workers' reconstruction", flush=True)
    return int(failed)
