"""The sandbox's own code: a server that runs each submission in a fresh, locked-down process tree.

Started by :mod:`grader.sandbox` (under bubblewrap: no view of the course directory, no network, read-only Python)
as ``python -I sandbox_boot.py``. It imports NumPy and PyTorch once (the slow part), answers ``ready``, then serves
requests: one JSON line on standard input per submission. For each, a supervisor is forked; it enters new user,
PID, mount, IPC and network namespaces and mounts a private, size-limited ``/tmp``, then forks the submission's
process, the first of its PID namespace: when it ends, the kernel ends every process the submission started.
The server made PyTorch's dropout unavailable once (in Python and in the operator dispatcher); the submission's
process gives it back only for an exercise that uses it, sets its limits, installs an audit hook, says ``ready``
on a setup pipe and closes it; only then does the submission's code run, so a failure
before that point is the grader's, after it the submission's. The observations go back length-prefixed through a
pipe, written with ``torch.save``; the judge reads them with ``torch.load(weights_only=True)``.

Standard library only, plus numpy and torch: nothing of the course directory is visible here. All rules come in
the request (``grader/policy.py`` holds them).
"""

import ctypes
import io
import json
import os
import resource
import select
import shutil
import signal
import struct
import sys
import tempfile
import time
import traceback
import warnings

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 1 << 12, 1 << 14, 1 << 18
PR_SET_DUMPABLE = 4
SETUP_FAILED = 70  # exit status of a sandbox process that could not lock itself down: a grader error
MEMORY_EXHAUSTED = 75  # exit status when the submission exhausted its memory outside a cell
LENGTH = struct.Struct("!Q")
LIBC = ctypes.CDLL(None, use_errno=True)


def _libc(name, *args):
    if getattr(LIBC, name)(*args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{name}: {os.strerror(err)}")


def enter_namespaces(tmp_bytes):
    """Enter new namespaces (the next child forked is the first process of the new PID namespace) and mount a
    private ``/tmp`` and ``/dev/shm`` of at most ``tmp_bytes`` each."""
    uid, gid = os.getuid(), os.getgid()
    _libc("unshare", CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS)
    # The server made itself non-dumpable, so its /proc files belong to the root of this new namespace, which is
    # mapped to nobody until the maps are written: writing them needs this process to be dumpable for a moment
    # (no submission exists yet to read its memory meanwhile).
    LIBC.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
    try:
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
    finally:
        LIBC.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    _libc("mount", None, b"/", None, MS_REC | MS_PRIVATE, None)
    for path in ("/tmp", "/dev/shm"):
        if os.path.isdir(path):
            kept = _kept_below(path)  # opened before the new tmpfs hides them
            _libc("mount", b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                  f"size={tmp_bytes},mode=1777".encode())
            for inner, fd in kept:
                os.makedirs(inner, exist_ok=True)
                _libc("mount", f"/proc/self/fd/{fd}".encode(), inner.encode(), None, MS_BIND | MS_REC, None)
                os.close(fd)
                # read-only: the folders around the bound files are the server's own tmpfs, shared by submissions
                _libc("mount", None, inner.encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
                      None)


def _kept_below(root):
    """The Python installation and import paths that lie below ``root`` (a course or virtual environment under
    /tmp), as ``(path, O_PATH descriptor)``: the private tmpfs mounted on ``root`` must not hide them."""
    paths = [os.path.realpath(p) for p in (*sys.path, sys.prefix, sys.base_prefix, os.path.dirname(sys.executable))
             if p and os.path.isdir(p)]
    below = sorted({p for p in paths if p.startswith(root.rstrip("/") + "/")})
    roots = [p for p in below if not any(p.startswith(q + "/") for q in below if q != p)]
    return [(p, os.open(p, os.O_PATH | os.O_DIRECTORY)) for p in roots]


def set_limits(limits):
    """Set the limits of ``limits`` (address space on top of what is in use now), each clamped to the hard limit
    this process inherited. Returns the limits in force; raises OSError when one cannot be set."""
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * resource.getpagesize()
    wanted = {resource.RLIMIT_CPU: limits["cpu_seconds"], resource.RLIMIT_AS: in_use + limits["memory_bytes"],
              resource.RLIMIT_NPROC: limits["processes"], resource.RLIMIT_FSIZE: limits["file_bytes"],
              resource.RLIMIT_CORE: 0}
    in_force = {}
    for which, value in wanted.items():
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError) as err:
            raise OSError(f"the limit {which} could not be set to {value}: {err}") from None
        in_force[which] = value
    return in_force


def _under(path, root):
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def install_audit_hook(rules):
    """The second layer, for the rest of the process: reads only below ``readable_roots`` or the private
    temporary directory (never in ``hidden_roots`` unless a more specific readable root allows it), writes only
    there, no import of ``refused_imports``, none of ``refused_events``. An audit hook cannot be removed."""
    tmp = os.path.realpath(rules["tmp"])
    readable = [os.path.realpath(r) for r in rules["readable_roots"]] + [tmp]
    hidden = [os.path.realpath(r) for r in rules["hidden_roots"]]
    refused_imports, refused_events = set(rules["refused_imports"]), set(rules["refused_events"])
    refused_prefixes = tuple(e + "." for e in refused_events if e.count(".") == 1 and e.startswith("os."))

    def may_read(real):
        best_readable = max((len(r) for r in readable if _under(real, r)), default=-1)
        best_hidden = max((len(r) for r in hidden if _under(real, r)), default=-1)
        return best_readable > best_hidden

    def hook(event, args):
        if event == "open":
            path, mode = args[0], args[1]
            if isinstance(path, int):
                return
            writing = mode is not None and any(c in str(mode) for c in "wax+")
            flags = args[2] if len(args) > 2 else 0
            if isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND):
                writing = True
            real = os.path.realpath(os.fsdecode(path))
            if not may_read(real) or (writing and not _under(real, tmp)):
                raise PermissionError(f"the sandbox does not allow opening {path!r}")
        elif event == "import":
            if str(args[0]).split(".")[0] in refused_imports:
                raise ImportError(f"the sandbox does not allow importing {args[0]!r}")
        elif event in refused_events or event.startswith(refused_prefixes):
            raise PermissionError(f"the sandbox does not allow {event}")

    sys.addaudithook(hook)


def _refused(*args, **kwargs):
    raise RuntimeError("PyTorch's own dropout is not available here: implement the layer yourself")


def remove_library_dropout(torch):
    """Make PyTorch's own dropout unavailable, however it is reached: the Python functions and layers fail, and so
    do the dispatcher's dropout operators (``torch.ops.aten``, TorchScript, C++ callers). Done once in the server;
    returns what ``restore_library_dropout`` needs to undo it in a submission's process that may use it."""
    import torch.nn.functional as F

    originals = []
    for namespace in (F, torch, torch.Tensor, torch._C._VariableFunctions, torch._C._nn):
        for name in dir(namespace):
            if "dropout" in name.lower():
                original = getattr(namespace, name)
                try:
                    setattr(namespace, name, _refused)
                except (AttributeError, TypeError):
                    continue
                originals.append((namespace, name, original))
    operators = {name.split("::")[1].split(".")[0] for name in torch._C._dispatch_get_all_op_names()
                 if name.startswith("aten::") and "dropout" in name and "no_dropout" not in name}
    registration = torch.library.Library("aten", "IMPL")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "overriding a previously registered kernel": that is the point
        for name in sorted(operators):
            for key in ("CompositeImplicitAutograd", "CPU", "Autograd"):
                try:
                    registration.impl(name, _refused, key)
                except RuntimeError:
                    pass  # the operator has no kernel for that key
    return registration, originals


def restore_library_dropout(removed):
    """Undo ``remove_library_dropout``: for the exercises that use PyTorch's dropout layers."""
    registration, originals = removed
    registration._destroy()
    for namespace, name, original in originals:
        setattr(namespace, name, original)


def plain(value):
    """Observations as plain data that ``torch.load(weights_only=True)`` reads: NumPy arrays become tensors."""
    import numpy as np
    import torch

    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return {"ndarray": torch.from_numpy(np.array(value, copy=True))}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, torch.Tensor):
        return value.detach().as_subclass(torch.Tensor).clone()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"unreadable": type(value).__name__}


def unwrap(value):
    """The inverse of ``plain``, in the judge: NumPy arrays come back as arrays."""
    if isinstance(value, dict):
        if set(value) == {"ndarray"}:
            return value["ndarray"].numpy()
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def short_error(err):
    lines = traceback.format_exception_only(type(err), err)
    return "".join(lines).strip()[-2000:]


class Tail(io.TextIOBase):
    """A text stream that keeps only the last ``size`` characters written to it: megabytes of prints cost
    nothing."""

    def __init__(self, size):
        self.size, self.text = size, ""

    def writable(self):
        return True

    def write(self, text):
        self.text = (self.text + str(text))[-self.size:]
        return len(text)


def run_submission(request, result_fd, setup_fd, removed):
    """The submission's process: lock down, say ready, run the cells and the probes, send the observations."""
    import numpy as np
    import torch

    try:
        os.setsid()  # its own process group: a kill(0) reaches only the submission's processes
        limits = set_limits(request["limits"])
        torch.set_num_threads(1)
        if not request["remove_library_dropout"]:
            restore_library_dropout(removed)
        tmp = request["rules"]["tmp"]
        os.chdir(tmp)
        os.environ.update(HOME=tmp, MPLCONFIGDIR=os.path.join(tmp, ".matplotlib"))
        install_audit_hook(request["rules"])
    except BaseException as err:
        os.write(setup_fd, f"error {short_error(err)}\n".encode())
        os._exit(SETUP_FAILED)
    os.write(setup_fd, b"ready\n")
    os.close(setup_fd)

    output = Tail(request["limits"]["output_chars"])
    sys.stdout = sys.stderr = output
    torch.manual_seed(request["seed"])
    np.random.seed(request["seed"])
    namespace = {"__name__": "__main__"}
    cells = {}
    for cell in request["cells"]:
        try:
            exec(compile(cell["source"], f"<cell {cell['id']}>", "exec"), namespace)
            cells[cell["id"]] = None
        except BaseException as err:  # a failing cell must not stop the others, as in a notebook run with errors
            cells[cell["id"]] = short_error(err)

    probes = {"__name__": "probes"}
    exec(compile(request["probes_source"], "<probes>", "exec"), probes)
    parts = {}
    for part in request["parts"]:
        torch.manual_seed(request["seed"])
        np.random.seed(request["seed"])
        try:
            parts[part] = {"observations": plain(probes[f"probe_{part}"](namespace))}
        except BaseException as err:
            parts[part] = {"error": short_error(err)}
    result = {"cells": cells, "parts": parts, "output": output.text, "limits": {str(k): v for k, v in limits.items()}}
    buffer = io.BytesIO()
    torch.save(result, buffer)
    data = memoryview(LENGTH.pack(len(buffer.getbuffer())) + buffer.getvalue())
    while data:
        data = data[os.write(result_fd, data):]
    os._exit(0)  # no interpreter shutdown: nothing the submission registered (atexit, __del__) runs after this


def supervise(request, result_fd, setup_fd, removed):
    """The supervisor (trusted code only): enter the namespaces, fork the submission's process, report its PID
    and wait for it. Its exit status is the submission process's (128 + signal when a signal ended it)."""
    try:
        os.setsid()
        if request["isolate"]:
            enter_namespaces(request["limits"]["tmp_bytes"])
        pid = os.fork()
    except BaseException as err:
        os.write(setup_fd, f"error could not isolate the submission: {short_error(err)}\n".encode())
        os._exit(SETUP_FAILED)
    if pid == 0:
        try:
            run_submission(request, result_fd, setup_fd, removed)
        except MemoryError:
            os._exit(MEMORY_EXHAUSTED)
        except BaseException:
            os._exit(3)
    os.close(result_fd)
    os.write(setup_fd, f"pid {pid}\n".encode())
    os.close(setup_fd)
    _, status = os.waitpid(pid, 0)
    os._exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))


def _read_lines(fd, deadline):
    """The setup pipe's lines, up to its end (the supervisor and the submission's process close it when set up)."""
    data = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace").splitlines()


def _read_exactly(fd, n, deadline):
    chunks, size = [], 0
    while size < n:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(n - size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def run_request(request, channels, removed):
    """Grade one request in a fresh process tree; return the header and the observations' bytes."""
    if not request["isolate"]:  # no mount namespace: a fresh directory instead of a private /tmp
        request["rules"]["tmp"] = tempfile.mkdtemp(prefix="submission-", dir=os.getcwd())
    try:
        return _run_request(request, channels, removed)
    finally:
        if not request["isolate"]:
            shutil.rmtree(request["rules"]["tmp"], ignore_errors=True)


def _run_request(request, channels, removed):
    result_read, result_write = os.pipe()
    setup_read, setup_write = os.pipe()
    start = time.monotonic()
    supervisor = os.fork()
    if supervisor == 0:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        for fd in (*channels, result_read, setup_read):
            os.close(fd)
        try:
            supervise(request, result_write, setup_write, removed)
        finally:
            os._exit(SETUP_FAILED)
    os.close(result_write)
    os.close(setup_write)
    header = {"ready": False, "reason": "", "timed_out": False, "length": 0}
    deadline = start + request["timeout"]
    lines = _read_lines(setup_read, min(deadline, start + 60))
    os.close(setup_read)
    pid = next((int(line.split()[1]) for line in lines if line.startswith("pid ")), None)
    header["ready"] = "ready" in lines
    header["reason"] = next((line[len("error "):] for line in lines if line.startswith("error ")), "")
    data = b""
    if header["ready"]:
        try:
            length = LENGTH.unpack(_read_exactly(result_read, LENGTH.size, deadline))[0]
            if length <= request["limits"]["reply_bytes"]:
                data = _read_exactly(result_read, length, deadline)
        except TimeoutError:
            header["timed_out"] = True
        except EOFError:
            pass
    os.close(result_read)
    # The end of the submission's process ends its PID namespace; without namespaces, its process group.
    for kill in (os.kill, os.killpg):
        try:
            kill(pid or supervisor, signal.SIGKILL)
        except OSError:
            pass
    ended = os.pidfd_open(supervisor)  # readable when the supervisor ends: after the submission's last process
    if not select.select([ended], [], [], 30)[0]:
        os.kill(supervisor, signal.SIGKILL)
    os.close(ended)
    _, status = os.waitpid(supervisor, 0)
    header["exit"] = os.waitstatus_to_exitcode(status)
    header["length"] = len(data)
    header["seconds"] = time.monotonic() - start
    return header, data


def serve():
    """Import the heavy libraries once, say ready, then run each request in a fresh process tree and reply."""
    import numpy  # noqa: F401  (imported before any fork, so that children start with it loaded)
    import torch

    torch.set_num_threads(1)
    removed = remove_library_dropout(torch)  # the registration must stay alive as long as the server
    LIBC.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # no submission may read this process's memory through /proc
    requests, replies = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):  # stray prints of the libraries must not corrupt the replies, nor reads take the requests
        os.dup2(devnull, fd)
    os.write(replies, b'{"ready": true}\n')
    reader = os.fdopen(requests, "rb")
    while True:
        line = reader.readline()
        if not line:
            return
        header, data = run_request(json.loads(line), (requests, replies), removed)
        out = memoryview(json.dumps(header).encode() + b"\n" + data)
        while out:
            out = out[os.write(replies, out):]


if __name__ == "__main__":
    # the judge's import paths, also those that .pth files outside this interpreter's site directories added
    sys.path += [path for path in json.loads(sys.argv[1]) if path not in sys.path]
    serve()
