"""Execute the companion notebooks into the book's jupyter-cache, two at a time, and report their times.

`make book` runs ``execute`` before ``jupyter-book build`` (which then finds every notebook in the cache, the
same cache it would fill itself, one notebook after another) and ``times`` after it. Only notebooks whose code
changed are executed again, and all of them when the reference library changed (jupyter-cache looks only at a
notebook's own cells).
"""

import hashlib
import os
import sys
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"
BUDGET_S = 120  # a notebook should run in at most two minutes on a laptop CPU
LIBRARY_STAMP = CACHE / "dropout_lib.sha256"


def library_digest():
    digest = hashlib.sha256()
    for path in sorted((ROOT / "dropout_lib").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def execute():
    timeout = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"]
    cache = get_cache(CACHE)
    digest = library_digest()
    if LIBRARY_STAMP.exists() and LIBRARY_STAMP.read_text() != digest:
        print("dropout_lib changed: every notebook is executed again")
        cache.clear_cache()
        cache = get_cache(CACHE)
    for record in cache.list_project_records():
        if not Path(record.uri).exists():  # a notebook deleted or renamed since the last build
            cache.remove_nb_from_project(record.pk)
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cache.add_nb_to_project(str(notebook))
        if not cache.get_cached_project_nb(str(notebook)):
            os.utime(notebook)  # so that Sphinx reads the page again
            # and every page that quotes it: Sphinx does not track glue from another document
            for page in (ROOT / "book").glob("*.md"):
                if f"../notebooks/{notebook.name}::" in page.read_text():
                    os.utime(page)
    result = load_executor("local-parallel", cache=cache).run_and_cache(timeout=timeout)
    failed = result.excepted + result.errored
    LIBRARY_STAMP.write_text(digest)
    for path in failed:
        print(f"failed: {path}", file=sys.stderr)
    return 1 if failed else 0


def times():
    """The execution time of the cached run that matches each notebook as it is now."""
    cache = get_cache(CACHE)
    total, count = 0.0, 0
    for project in sorted(cache.list_project_records(), key=lambda r: r.uri):
        record = cache.get_cached_project_nb(project.pk)
        if record is None:
            print(f"  not executed  {project.uri}")
            continue
        seconds = record.data.get("execution_seconds", 0.0)
        total, count = total + seconds, count + 1
        flag = f"  (over the {BUDGET_S} s budget)" if seconds > BUDGET_S else ""
        print(f"{seconds:6.1f} s  {Path(project.uri).relative_to(ROOT)}{flag}")
    print(f"{total:6.1f} s  in all, {count} notebooks (run two at a time, so each time includes sharing the CPU)")
    return 0


if __name__ == "__main__":
    sys.exit({"execute": execute, "times": times}[sys.argv[1]]())
