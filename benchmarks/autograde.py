"""How fast a class is graded: serially, with ``--jobs 2``, and by a Dask ``LocalCluster`` of 2 workers.

    .venv/bin/python benchmarks/autograde.py [--students 14] [--rounds 3]

Generates a class in a temporary course directory: every student submits every assignment in solutions/, each
submission one of the instructor's solution, the untouched release, a typical mistake or a hostile submission
from tests/exercises/submissions/ (in turn), or, for every tenth, a file that is not JSON. Then grades the same
class with ``python -m grader autograde --all`` (each time from a fresh copy of the same released course) in the
three ways, one after the other, for several rounds, and prints seconds per submission (the median over rounds),
the peak memory of every process involved (the command, its workers and sandboxes, the Dask workers), and the
speed-up over the serial run of the same round (the median over rounds, and the range): a machine that gets slower
or faster for a while moves one round, not the result. Every run must give the same grades.
"""

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.exercises.conftest import load_submission, submission_files, write_submission  # noqa: E402

BIN = Path(sys.executable).parent


def assignments():
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").exists())


def run(course, *args, check=True):
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(course)}
    proc = subprocess.run([sys.executable, *args], cwd=course, env=env, capture_output=True, text=True)
    if check and proc.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def make_class(course, students):
    """A released course with a submission of every student for every assignment; returns their count."""
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "grader", course / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    for a in assignments():
        shutil.copytree(ROOT / "solutions" / a, course / "solutions" / a,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    run(course, "-m", "grader", "release-all")
    count = 0
    for a in assignments():
        release = course / "release" / a / f"{a}.ipynb"
        kinds = ["solution", "release", *submission_files(a)]
        for i in range(students):
            target = course / "submitted" / f"student{i:03d}" / a / f"{a}.ipynb"
            target.parent.mkdir(parents=True)
            kind = kinds[i % len(kinds)]
            if i % 10 == 9:
                target.write_text("{ this is not a notebook")
            elif kind == "solution":
                shutil.copy(course / "solutions" / a / f"{a}.ipynb", target)
            elif kind == "release":
                shutil.copy(release, target)
            else:
                write_submission(release, load_submission(kind).CELLS, target)
            count += 1
    return count


class PeakMemory:
    """The largest total resident memory of this process's descendants, sampled every 0.1 s."""

    def __init__(self):
        self.peak, self.done = 0, threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self):
        me = psutil.Process()
        while not self.done.wait(0.1):
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


def spin(n):
    start = time.perf_counter()
    total = 0
    for i in range(n):
        total += i * i
    return time.perf_counter() - start


def parallel_capacity(n=5_000_000):
    """How much faster two CPU-bound processes finish two equal loops than one process does: 2.0 on 2 idle cores,
    less when other work holds the cores. The best speed-up ``--jobs 2`` can show on this machine now."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(spin, [1, 1]))  # the workers are started before the clock
        start = time.perf_counter()
        list(pool.map(spin, [n, n]))
        parallel = time.perf_counter() - start
    start = time.perf_counter()
    spin(n), spin(n)
    return (time.perf_counter() - start) / parallel


def grade(course, *options):
    """Seconds, peak memory (bytes) and the grades of one batch over the whole class."""
    with PeakMemory() as memory:
        start = time.perf_counter()
        run(course, "-m", "grader", "autograde", "--all", *options, check=False)  # the broken files make it exit 1
        seconds = time.perf_counter() - start
    run(course, "-m", "grader", "grades-csv", "grades.csv")
    with open(course / "grades.csv", newline="") as f:
        grades = {(r["assignment"], r["student_id"]): (r["raw_score"], r["status"]) for r in csv.DictReader(f)}
    return seconds, memory.peak, grades


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 14 students x 14 assignments, graded three ways in each of 3 rounds: about seven minutes on 2 cores
    parser.add_argument("--students", type=int, default=14, help="students in the class (default 14)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three ways (default 3)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    ways = {"serial (--jobs 1)": ["--jobs", "1"], "--jobs 2": ["--jobs", "2"], "Dask LocalCluster, 2 workers": None}
    with tempfile.TemporaryDirectory(prefix="autograde-benchmark-") as tmp:
        template = Path(tmp) / "template"
        n = make_class(template, args.students)
        print(f"{args.students} students x {len(assignments())} assignments = {n} submissions, {args.rounds} rounds; "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start", flush=True)
        capacity = parallel_capacity()
        runs = {name: [] for name in ways}  # name -> [(seconds, peak, grades)] per round
        for r in range(args.rounds):
            for name, options in ways.items():
                course = Path(tmp) / f"round{r}-{name.split()[0].strip('-')}"
                shutil.copytree(template, course)
                if options is None:
                    from distributed import LocalCluster

                    os.environ["PYTHONPATH"] = str(course)  # the workers import grader from the course directory
                    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster:
                        runs[name].append(grade(course, "--scheduler", cluster.scheduler_address))
                else:
                    runs[name].append(grade(course, *options))
                shutil.rmtree(course)
                print(f"  round {r + 1}, {name}: {runs[name][-1][0]:.1f} s", flush=True)
        serial = runs["serial (--jobs 1)"]
        print("\n| grading | seconds / submission | peak memory (MiB) | speed-up over serial (range) |")
        print("|---|---|---|---|")
        for name, rounds in runs.items():
            speedups = sorted(s[0] / r[0] for s, r in zip(serial, rounds))
            print(f"| {name} | {statistics.median(r[0] for r in rounds) / n:.3f} | "
                  f"{max(r[1] for r in rounds) / 2**20:.0f} | {statistics.median(speedups):.2f}x "
                  f"({speedups[0]:.2f}-{speedups[-1]:.2f}) |")
        broken = len(assignments()) * (args.students // 10)
        grades = serial[0][2]
        graded = sum(not status.startswith("not ") for _, status in grades.values())  # scored, whatever the status
        if graded != n - broken:
            sys.exit(f"the serial run graded {graded} submissions, not {n - broken}")
        same = all(r[2] == grades for rounds in runs.values() for r in rounds)
        print(f"\nTwo processes on this machine now run {capacity:.2f}x as fast as one (before grading; "
              f"{parallel_capacity():.2f}x after): the ceiling of the speed-ups above.")
        print(f"{graded} graded, {broken} malformed; same grades and statuses in all {len(ways) * args.rounds} runs: "
              f"{'yes' if same else 'NO'}; load average {os.getloadavg()[0]:.1f} at the end")
        sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
