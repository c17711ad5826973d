"""The sandbox's own code: a server that forks one locked-down process per submission.

Started by :mod:`grader.sandbox` as ``python -I sandbox_boot.py`` in an empty temporary directory, with a minimal
environment. It imports NumPy and PyTorch once (the slow part), then serves requests: each request (one JSON line
on standard input) is run in a fresh child made by ``fork``, so that every submission starts from the same clean
interpreter and none can see another. The child locks itself down (resource limits, an audit hook that cannot be
removed, PyTorch's own dropout layers deleted), runs the submission's cells, then the probes, and writes the
observations with ``torch.save`` to a pipe; the judge reads them with ``torch.load(weights_only=True)``, which
cannot run code. The server answers each request with a JSON header line and the child's bytes.

Standard library only, plus numpy and torch: nothing of the course directory is imported here.
"""

import io
import json
import os
import resource
import select
import signal
import sys
import time
import traceback

REFUSED_EVENTS = {
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg",
    "subprocess.Popen", "socket.connect", "socket.bind", "socket.__new__", "ctypes.dlopen", "os.remove",
    "os.unlink", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.truncate", "os.symlink",
    "os.link", "shutil.rmtree", "os.chdir", "os.putenv", "os.unsetenv", "sys.settrace", "sys.setprofile",
    "sys.addaudithook", "gc.get_objects", "gc.get_referrers", "gc.get_referents", "mmap.__new__",
    "cpython.PyInterpreterState_New",
}
REFUSED_IMPORT_ROOTS = {"dropout_lib", "grader", "nbgrader", "subprocess", "socket", "ctypes", "multiprocessing"}
MAX_REPLY_BYTES = 256 << 20  # observations are samples of layers' outputs: far less than this


def set_limits(cpu_seconds, memory_bytes):
    """CPU seconds, no core dumps, and an address space of at most what the process uses now plus memory_bytes."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (in_use + memory_bytes, in_use + memory_bytes))


def _under(path, root):
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def install_audit_hook(readable_roots, hidden_roots):
    """Refuse, for the rest of the process, every write, reads outside ``readable_roots`` (and inside
    ``hidden_roots`` unless a more specific readable root allows it), processes, sockets, frame and object-graph
    introspection, and the imports that would reach the reference library or the grader. An audit hook cannot be
    removed."""
    readable = [os.path.realpath(r) for r in readable_roots]
    hidden = [os.path.realpath(r) for r in hidden_roots]

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
            if writing or not may_read(real):
                raise PermissionError(f"the sandbox does not allow opening {path!r}")
        elif event == "import":
            if str(args[0]).split(".")[0] in REFUSED_IMPORT_ROOTS:
                raise ImportError(f"the sandbox does not allow importing {args[0]!r}")
        elif event in REFUSED_EVENTS or event.startswith(("os.exec", "os.spawn", "os.posix_spawn", "ctypes.")):
            raise PermissionError(f"the sandbox does not allow {event}")

    sys.addaudithook(hook)


def remove_library_layers(torch):
    """Make PyTorch's own dropout layers unavailable to the submission: calling them fails."""
    import torch.nn.functional as F

    def refused(*args, **kwargs):
        raise RuntimeError("PyTorch's own dropout is not available here: implement the layer yourself")

    for namespace in (F, torch, torch.Tensor, torch._C._VariableFunctions, torch._C._nn):
        for name in dir(namespace):
            if "dropout" in name.lower():
                try:
                    setattr(namespace, name, refused)
                except (AttributeError, TypeError):
                    pass


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


def short_error(err):
    lines = traceback.format_exception_only(type(err), err)
    return "".join(lines).strip()[-2000:]


def run_submission(request, result_fd):
    """In the child: lock down, run the cells and the probes, write the observations to ``result_fd``."""
    import numpy as np
    import torch

    set_limits(request["cpu_seconds"], request["memory_bytes"])
    torch.set_num_threads(1)
    captured = io.StringIO()
    sys.stdout = sys.stderr = captured
    if request["remove_library_dropout"]:
        remove_library_layers(torch)
    install_audit_hook(request["readable_roots"], request["hidden_roots"])

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
    result = {"cells": cells, "parts": parts, "output": captured.getvalue()[-5000:]}
    buffer = io.BytesIO()
    torch.save(result, buffer)
    data = memoryview(buffer.getvalue())
    while data:
        data = data[os.write(result_fd, data):]
    os._exit(0)  # no interpreter shutdown: nothing the submission registered (atexit, __del__) runs after this


def child(request, result_fd, channels):
    """The forked child: drop every channel to the judge, keep only its own result pipe."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    for fd in channels:
        os.close(fd)
    try:
        run_submission(request, result_fd)
    except BaseException:
        os._exit(3)
    os._exit(4)


def collect(pid, result_fd, timeout):
    """Read the child's bytes until it closes its pipe; kill it at the deadline. Returns (status, data, timed_out)."""
    deadline = time.monotonic() + timeout
    chunks, size, timed_out = [], 0, False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([result_fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(result_fd, 1 << 20)
        if not chunk:
            break
        size += len(chunk)
        if size > MAX_REPLY_BYTES:
            break
        chunks.append(chunk)
    os.close(result_fd)
    if timed_out or size > MAX_REPLY_BYTES:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return status, b"".join(chunks) if size <= MAX_REPLY_BYTES else b"", timed_out


def serve():
    """Import the heavy libraries once, then run each request in a forked child and reply to the judge."""
    import numpy  # noqa: F401  (imported before any fork, so that children start with it loaded)
    import torch

    torch.set_num_threads(1)
    requests, replies = 0, os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)  # stray prints of the libraries must not corrupt the replies
    reader = os.fdopen(requests, "rb")
    while True:
        line = reader.readline()
        if not line:
            return
        request = json.loads(line)
        result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(result_read)
            child(request, result_write, (replies,))
        os.close(result_write)
        status, data, timed_out = collect(pid, result_read, request["timeout"])
        del request
        header = {"exit": os.waitstatus_to_exitcode(status), "timed_out": timed_out, "length": len(data)}
        out = memoryview(json.dumps(header).encode() + b"\n" + data)
        while out:
            out = out[os.write(replies, out):]


if __name__ == "__main__":
    serve()
