"""The sandbox's rules in one place: what a submission may read, what is refused, its limits, and the exceptions
an assignment needs.

The walls are the operating system's (``sandbox.py`` starts the sandbox under bubblewrap, and each submission in
namespaces of its own); the screen (``screen.py``) and the audit hook (``sandbox_boot.py``) are a second layer
that keeps a library's dropout out of the exercise and refuses what no honest submission needs.
"""

import os
import re
import site
import sys
import sysconfig
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parent.parent

# Limits of one submission (its cells, visible tests and probes together). Each is clamped to what the grading
# machine allows (see sandbox_boot.set_limits): a lower host limit lowers it, never fails everyone.
MEMORY_BYTES = 4 << 30  # address space each process of the submission may add to the interpreter's
CPU_SECONDS = 120  # CPU time of each process of the submission
PROCESSES = 64  # processes and threads the submission may run at once
FILE_BYTES = 64 << 20  # the largest file it may write
TMP_BYTES = 128 << 20  # its private temporary directory (and /dev/shm) together
OUTPUT_CHARS = 5000  # printed output kept for the log
REPLY_BYTES = 256 << 20  # observations are samples of layers' outputs: far less than this
JUDGE_NICENESS = 10  # a batch's parallel judges yield the CPU to its writer, the one step that is serial
SANDBOX_UID = 65534  # the submission's user inside its user namespace: nobody, without capabilities outside it

# Imports the screen and the audit hook refuse: the reference library and the grader itself (the grader's
# checks hold the hidden tests; outside the course directory they are absent anyway).
REFUSED_IMPORT_ROOTS = {"dropout_lib", "grader", "nbgrader"}
# Audit events refused in every sandbox: loading C code by hand, object-graph walks that reach the sandbox's own
# frames and registrations, and hooks that would watch the probes.
REFUSED_EVENTS = {"ctypes.dlopen", "ctypes.dlsym", "sys.settrace", "sys.setprofile", "sys.addaudithook",
                  "gc.get_objects", "gc.get_referrers", "gc.get_referents", "cpython.PyInterpreterState_New"}
# Refused as well when the operating system's walls are absent (the in-process sandbox the instructor accepted):
# without namespaces, a process or a socket would leave the sandbox.
REFUSED_EVENTS_WITHOUT_ISOLATION = {
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg",
    "subprocess.Popen", "socket.connect", "socket.bind", "socket.__new__", "os.chdir", "mmap.__new__",
}

# A name or attribute the student did not define that matches this is a library's dropout.
BORROWED = re.compile(r"dropout|drop_path|droppath|stochastic_depth", re.IGNORECASE)
# A string that names a library layer could be resolved at run time (plain prose in strings is fine).
BORROWED_STRING = re.compile(r"(?i)\b(f|functional|nn|torch|aten)\.\w*dropout")
# Names that evaluate code or reach a module's namespace by a computed name: the way around the screen's checks
# of names and of assignments to modules (the probes run beside the submission and use those modules).
FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__", "getattr", "setattr", "delattr", "globals", "locals",
                   "vars", "__builtins__", "__loader__", "__spec__"}
# Attributes that reach PyTorch's operator registry (``torch.ops.aten`` holds its dropout kernels), the
# interpreter's modules and frames, or the same escape hatches as attributes of a module.
FORBIDDEN_ATTRIBUTES = {
    "ops", "aten", "library", "classes", "jit", "cpp_extension", "hub", "package",
    "f_back", "f_globals", "f_locals", "f_builtins", "f_code", "gi_frame", "cr_frame", "ag_frame", "tb_frame",
    "tb_next", "co_code", "func_globals",
    "sys", "builtins", "importlib", "ctypes", "ctypeslib", "gc", "inspect",
    "exec", "compile", "getattr", "setattr", "delattr", "globals", "locals", "vars",
}
# ``sys.modules`` hands out the modules the probes use, to be changed through a name of the submission's own.
INTERPRETER_MODULES = ("sys", "modules")
ALLOWED_DUNDER_ATTRIBUTES = {"__init__", "__call__", "__name__", "__len__", "__repr__"}

# Per-assignment exceptions.
USES_LIBRARY_DROPOUT = {
    # the exercises use PyTorch's dropout layers; they do not implement one
    "e09_mc_dropout": {"Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout",
                       "dropout", "_DropoutNd"},
    "e10_bn_recalibration": {"Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "dropout",
                             "_DropoutNd", "_BatchNorm"},
}


def allowed_names(assignment):
    """Names or attributes the screen would refuse but the assignment needs."""
    return USES_LIBRARY_DROPOUT.get(assignment, set())


def removes_library_dropout(assignment):
    """Whether PyTorch's dropout is made unavailable while the assignment's submission runs."""
    return assignment not in USES_LIBRARY_DROPOUT


def _under(path, root):
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def import_paths():
    """This interpreter's import paths, in order (site-packages and the folders ``.pth`` files add), except what
    lies in the course directory other than the virtual environment's site-packages (an editable install of the
    reference library points there): the sandbox's Python imports from these."""
    course = str(COURSE_ROOT)
    site_dirs = {os.path.realpath(p) for p in [*site.getsitepackages(), sysconfig.get_paths()["purelib"],
                                               sysconfig.get_paths()["platlib"]]}
    script_dir = os.path.dirname(os.path.abspath(sys.argv[0])) if sys.argv and sys.argv[0] else os.getcwd()
    not_imports = {os.path.realpath(p) for p in (os.getcwd(), script_dir)}  # where the judge was started from
    paths = []
    for path in (os.path.realpath(p) for p in sys.path if p and os.path.realpath(p) not in not_imports):
        if os.path.isdir(path) and (not _under(path, course) or path in site_dirs) and path not in paths:
            paths.append(path)
    return paths


def python_paths():
    """The directories the sandbox's Python needs, read-only: its installation and its import paths."""
    paths = []
    for path in sorted({os.path.realpath(sys.base_prefix), *import_paths()}):
        if not any(_under(path, kept) for kept in paths):
            paths.append(path)
    return paths


def venv_files():
    """The files of a virtual environment outside its site-packages that its interpreter reads at start."""
    if sys.prefix == sys.base_prefix:
        return []
    return [p for p in (os.path.join(sys.prefix, "pyvenv.cfg"),) if os.path.exists(p)]


def readable_roots():
    """Where the audit hook lets the submission read (the operating system shows it nothing else)."""
    return sorted({*python_paths(), *venv_files(), "/usr", "/lib", "/lib64", "/etc/localtime", "/etc/ld.so.cache",
                   "/etc/fonts", "/dev/null", "/dev/urandom", "/proc/self", "/sys/devices/system/cpu"})


def hidden_roots():
    """Where the audit hook never lets it read, even below a readable root, unless a more specific readable root
    allows it (the virtual environment's site-packages inside the course directory)."""
    return [str(COURSE_ROOT), str(Path.cwd().resolve())]
