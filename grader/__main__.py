"""Batch entry points: each is one plain nbgrader command over every assignment in solutions/.

    python -m grader release-all        # nbgrader generate_assignment "*": student versions into release/
    python -m grader autograde-all      # nbgrader autograde "*": every submission in submitted/
    python -m grader feedback-all       # nbgrader generate_feedback "*": HTML feedback into feedback/
    python -m grader grades-csv FILE    # nbgrader export --to FILE: one row per student and assignment

Further options go to nbgrader unchanged (for example ``--force`` to grade again, ``--student NAME``). Run from
anywhere with the virtual environment's Python; the course directory is the one this package lives in.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {"release-all": "generate_assignment", "autograde-all": "autograde", "feedback-all": "generate_feedback"}


def nbgrader(*args):
    """Run one nbgrader command in the course directory; its exit status becomes ours when it fails."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader runs alembic from PATH
    print("nbgrader", *args, flush=True)
    status = subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=ROOT, env=env).returncode
    if status:
        sys.exit(status)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("release-all", help="generate the student version of every assignment into release/")
    sub.add_parser("autograde-all", help="autograde every submission in submitted/")
    sub.add_parser("feedback-all", help="generate HTML feedback for every autograded submission into feedback/")
    csv = sub.add_parser("grades-csv", help="export every grade to a CSV file")
    csv.add_argument("path", help="the CSV file to write")
    args, extra = parser.parse_known_args(argv)
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
