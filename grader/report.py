"""What a batch tells the instructor: a CSV report per assignment, a short summary, and grades.csv with a status.

A submission's status is one of: graded; not submitted; malformed (and why); the judge's "cell changed",
"timed out", "memory limit", "crashed" (the submission's doing: it keeps the score it earned); "grader error"
(not graded: nothing the submission did, so no score, and the next batch tries again).
"""

import csv
import time
from collections import Counter

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin

COLUMNS = ["student", "status", "reason", "score", "max_score", "seconds"]
NOT_GRADED = {"malformed", "grader error"}  # statuses with no score: grades.csv leaves the score empty


def write_report(folder, assignment, rows):
    """``reports/<assignment>-<UTC time>.csv``: one row per student of the class."""
    folder.mkdir(exist_ok=True)
    path = folder / f"{assignment}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.csv"
    with open(path, "w", newline="") as f:
        out = csv.DictWriter(f, COLUMNS + ["this_batch"], extrasaction="ignore")
        out.writeheader()
        for row in rows:
            out.writerow({**row, "seconds": "" if row["seconds"] is None else f"{row['seconds']:.2f}",
                          "this_batch": "yes" if row["new"] else "no"})
    return path


def print_summary(assignment, rows, path, seconds):
    """One line of counts per assignment, then one line per submission that is neither graded nor simply missing
    (the missing ones are counted; the report names them)."""
    counts = Counter(row["status"] for row in rows)
    graded_now = sum(row["new"] for row in rows if row["status"] not in NOT_GRADED | {"not submitted"})
    print(f"{assignment}: {len(rows)} students: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
          + f"; {graded_now} graded by this batch in {seconds:.1f} s; report {path}", flush=True)
    for row in rows:
        if row["status"] not in ("graded", "not submitted"):
            why = f": {row['reason']}" if row["reason"] else ""
            score = "" if row["score"] is None else f" ({row['score']:g}/{row['max_score']:g})"
            print(f"  {row['student']}: {row['status']}{why}{score}", flush=True)


class StatusCsvExport(ExportPlugin):
    """nbgrader's CSV export with a ``status`` column; no score for "not submitted" and "not graded" (no zero)."""

    KEYS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
            "late_submission_penalty", "score", "max_score", "status"]

    def export(self, gradebook):
        from sqlalchemy import select

        from grader.batch import STATUS

        STATUS.create(gradebook.engine, checkfirst=True)
        with gradebook.engine.connect() as conn:
            recorded = {(r.assignment, r.student): r for r in conn.execute(select(STATUS))}
        with open(self.to or "grades.csv", "w", newline="") as f:
            out = csv.DictWriter(f, self.KEYS)
            out.writeheader()
            for assignment in gradebook.assignments:
                if self.assignment and assignment.name not in self.assignment:
                    continue
                for student in gradebook.students:
                    if self.student and student.id not in self.student:
                        continue
                    out.writerow(self.row(gradebook, assignment, student, recorded.get((assignment.name, student.id))))

    @staticmethod
    def row(gradebook, assignment, student, recorded):
        row = {"assignment": assignment.name, "duedate": assignment.duedate or "", "student_id": student.id,
               "last_name": student.last_name or "", "first_name": student.first_name or "",
               "email": student.email or "", "max_score": assignment.max_score, "timestamp": "", "raw_score": "",
               "late_submission_penalty": "", "score": ""}
        if recorded is not None and recorded.status in NOT_GRADED:
            reason = f" ({recorded.reason})" if recorded.reason else ""
            return {**row, "status": f"not graded: {recorded.status}{reason}"}
        try:
            submission = gradebook.find_submission(assignment.name, student.id)
        except MissingEntry:
            return {**row, "status": "not submitted"}
        penalty = submission.late_submission_penalty
        return {**row, "timestamp": submission.timestamp or "", "raw_score": submission.score,
                "late_submission_penalty": penalty, "score": max(0.0, submission.score - penalty),
                "status": recorded.status if recorded is not None else "graded"}
