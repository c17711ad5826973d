"""Batch entry points over every assignment in solutions/, each a loop over the plain nbgrader commands.

    python -m grader release-all        # nbgrader generate_assignment, for every assignment
    python -m grader autograde-all      # nbgrader autograde, for every assignment (all submitted students)
    python -m grader feedback-all       # nbgrader generate_feedback, for every assignment
    python -m grader grades-csv FILE    # nbgrader export --to FILE

Run from the course directory (the repository root) with the virtual environment's Python.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def assignments():
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


def nbgrader(*args):
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader runs alembic from PATH
    print("nbgrader", *args, flush=True)
    subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=ROOT, env=env, check=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("release-all", help="generate the student version of every assignment into release/")
    sub.add_parser("autograde-all", help="autograde every submission in submitted/")
    sub.add_parser("feedback-all", help="generate HTML feedback for every autograded submission into feedback/")
    csv = sub.add_parser("grades-csv", help="export every grade to a CSV file")
    csv.add_argument("path", help="the CSV file to write")
    args = parser.parse_args(argv)
    if args.command == "grades-csv":
        nbgrader("export", "--to", args.path)
        return
    submitted = ROOT / "submitted"
    for assignment in assignments():
        if args.command == "release-all":
            nbgrader("generate_assignment", assignment, "--force")
        elif not any(submitted.glob(f"*/{assignment}")):
            print(f"no submission of {assignment}: skipped", flush=True)
        elif args.command == "autograde-all":
            nbgrader("autograde", assignment)
        else:
            nbgrader("generate_feedback", assignment)


if __name__ == "__main__":
    main()
