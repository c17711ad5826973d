"""Batch entry points: each is one plain nbgrader command over every assignment in solutions/.

    python -m grader release-all        # nbgrader generate_assignment "*": student versions into release/
    python -m grader autograde ASSIGNMENT|--all [--jobs N] [--scheduler ADDRESS] [--force]
                                        # every submission in submitted/, judged in parallel (grader/batch.py)
    python -m grader feedback-all       # nbgrader generate_feedback "*": HTML feedback into feedback/
    python -m grader grades-csv FILE    # nbgrader export --to FILE: one row per student and assignment

Further options of the other commands go to nbgrader unchanged (for example ``--force``, ``--student NAME``). Run from
anywhere with the virtual environment's Python; the course directory is the one this package lives in.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {"release-all": "generate_assignment", "feedback-all": "generate_feedback"}


def nbgrader(*args):
    """Run one nbgrader command in the course directory; its exit status becomes ours when it fails."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader runs alembic from PATH
    print("nbgrader", *args, flush=True)
    status = subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=ROOT, env=env).returncode
    if status:
        sys.exit(status)


def positive(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def released_assignments(db_url, course_id):
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gb:
        return sorted(a.name for a in gb.assignments)


def autograde(args):
    """``python -m grader autograde``: the batch's exit status (see ``grader.batch.autograde``)."""
    from grader import policy, sandbox

    if not args.scheduler:  # the judges' sandbox servers import PyTorch while this process imports nbgrader
        sandbox.start_servers(args.jobs, niceness=policy.JUDGE_NICENESS if args.jobs > 1 else 0)
    from grader.batch import autograde, load_config
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=load_config(ROOT))
    released = released_assignments(coursedir.db_url, coursedir.course_id)
    if args.all:
        assignments = released
    elif args.assignment in released:
        assignments = [args.assignment]
    else:
        sys.exit(f"assignment: expected one of the released assignments {released} (make release), "
                 f"got {args.assignment!r}")
    return autograde(ROOT, assignments, jobs=args.jobs, scheduler=args.scheduler, force=args.force)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("release-all", help="generate the student version of every assignment into release/")
    grade = sub.add_parser("autograde", help="autograde the submissions in submitted/ of one or every assignment")
    which = grade.add_mutually_exclusive_group(required=True)
    which.add_argument("assignment", nargs="?", help="the assignment to grade")
    which.add_argument("--all", action="store_true", help="every released assignment")
    grade.add_argument("--jobs", type=positive, default=os.cpu_count(),
                       help="submissions judged at once by a pool of processes (default: the machine's cores)")
    grade.add_argument("--scheduler", metavar="ADDRESS",
                       help="judge on the Dask distributed workers of this scheduler (e.g. tcp://10.0.0.5:8786)")
    grade.add_argument("--force", action="store_true", help="grade again submissions already graded")
    sub.add_parser("feedback-all", help="generate HTML feedback for every autograded submission into feedback/")
    csv = sub.add_parser("grades-csv", help="export every grade to a CSV file")
    csv.add_argument("path", help="the CSV file to write")
    args, extra = parser.parse_known_args(argv)
    if args.command == "autograde":
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        sys.exit(autograde(args))
    if args.command == "grades-csv":
        nbgrader("export", "--to", str(Path(args.path).resolve()), *extra)
        return
    if args.command == "release-all":
        extra = extra or ["--force"]  # regenerate release/ from the current sources
    # One process for all assignments ("*" is nbgrader's own glob over assignment folders): the sandbox server
    # and the libraries load once.
    nbgrader(COMMANDS[args.command], "*", *extra)


if __name__ == "__main__":
    main()
