# Two entry points do everything on a fresh machine: `make book` and `make test`.
# Each first makes sure the virtual environment exists and matches requirements.txt (a no-op when it does).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: book test install browser sandbox clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	touch $(STAMP)

# The tests check the built book too, so `make test` builds it first (a warm rebuild re-executes nothing).
test: book browser sandbox
	$(PY) -m pytest

# Debian's Chromium for the browser test; installed when missing and this is root, else the test is skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
		|| echo "Chromium could not be installed (root is needed): the browser test will be skipped"; }
# axe-core (npm, pinned in package.json and package-lock.json) for the accessibility test; npm from Debian if missing.
	@[ -f node_modules/axe-core/axe.min.js ] || { { command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm; }; } \
		&& npm ci --no-audit --no-fund --loglevel=error \
		|| echo "axe-core could not be installed (npm is needed): the accessibility test will be skipped"; }

# bubblewrap isolates each submission the grader runs (grader/README.md); installed when missing and this is root.
sandbox:
	@command -v bwrap >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends bubblewrap \
		|| echo "bubblewrap could not be installed (root is needed): the grader will refuse to grade"; }

clean:
	rm -rf _build

# Instructors: the whole class at once (see README). `make autograde FORCE=1` grades again what was graded;
# JOBS=N and SCHEDULER=tcp://host:8786 choose where the judges run.
.PHONY: release autograde feedback grades
release: $(STAMP)
	$(PY) -m grader release-all
autograde: $(STAMP)
	$(PY) -m grader autograde --all $(if $(JOBS),--jobs $(JOBS)) $(if $(SCHEDULER),--scheduler $(SCHEDULER)) $(if $(FORCE),--force)
feedback: $(STAMP)
	$(PY) -m grader feedback-all
grades: $(STAMP)
	$(PY) -m grader grades-csv grades.csv

# What dropout costs, measured on this machine (a few minutes, one thread): tables printed and written to
# benchmarks/results.json, which the chapter "What dropout costs" shows.
.PHONY: bench
bench: $(STAMP)
	OMP_NUM_THREADS=1 $(PY) benchmarks/run.py

book: $(STAMP)
	$(PY) scripts/book_notebooks.py execute
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	$(PY) scripts/book_notebooks.py times
