"""The first code a sandbox process runs: it locks the process down, runs the submission, then the probes.

Started by :mod:`grader.sandbox` as ``python -I sandbox_boot.py`` in an empty temporary directory. It reads one
JSON request from standard input and writes the observations to the standard output it had at start, with
``torch.save``; the judge reads them back with ``torch.load(weights_only=True)``, which cannot run code.
Standard library only, plus numpy and torch.
"""

import io
import json
import os
import resource
import sys
import traceback

REFUSED_EVENTS = {
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg",
    "subprocess.Popen", "socket.connect", "socket.bind", "socket.__new__", "ctypes.dlopen",
    "os.remove", "os.unlink", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.truncate",
    "os.symlink", "os.link", "shutil.rmtree", "os.chdir", "os.putenv", "os.unsetenv", "sys.settrace",
    "sys.setprofile",
}
REFUSED_IMPORT_ROOTS = {"dropout_lib", "grader", "nbgrader", "subprocess", "socket", "ctypes", "multiprocessing"}


def set_limits(cpu_seconds):
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def install_audit_hook(readable_roots):
    """Refuse, for the rest of the process, writes, reads outside ``readable_roots``, processes, sockets and the
    imports that would reach the reference library or the grader. An audit hook cannot be removed."""
    roots = tuple(os.path.realpath(r) + os.sep for r in readable_roots)

    def hook(event, args):
        if event == "open":
            path, mode = args[0], args[1]
            if isinstance(path, int):
                return
            writing = mode is not None and any(c in str(mode) for c in "wax+")
            flags = args[2] if len(args) > 2 else 0
            if isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC):
                writing = True
            real = os.path.realpath(os.fsdecode(path))
            if writing or not real.startswith(roots):
                raise PermissionError(f"the sandbox does not allow opening {path!r}")
        elif event == "import":
            if str(args[0]).split(".")[0] in REFUSED_IMPORT_ROOTS:
                raise ImportError(f"the sandbox does not allow importing {args[0]!r}")
        elif event in REFUSED_EVENTS or event.startswith(("os.exec", "os.spawn", "os.posix_spawn")):
            raise PermissionError(f"the sandbox does not allow {event}")

    sys.addaudithook(hook)


def remove_library_layers(torch):
    """Make PyTorch's own dropout layers unavailable to the submission: calling them fails."""
    import torch.nn.functional as F

    def refused(*args, **kwargs):
        raise RuntimeError("PyTorch's own dropout is not available here: implement the layer yourself")

    for name in dir(F):
        if "dropout" in name:
            setattr(F, name, refused)
    for name in dir(torch):
        if "dropout" in name:
            setattr(torch, name, refused)
    for name in dir(torch.Tensor):
        if "dropout" in name:
            setattr(torch.Tensor, name, refused)


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


def main():
    request = json.loads(sys.stdin.read())
    result_stream = os.fdopen(os.dup(1), "wb")
    set_limits(request["cpu_seconds"])
    import numpy as np
    import torch

    torch.set_num_threads(1)
    captured = io.StringIO()
    sys.stdout = sys.stderr = captured
    if request["remove_library_dropout"]:
        remove_library_layers(torch)
    install_audit_hook(request["readable_roots"])

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
    result_stream.write(buffer.getvalue())
    result_stream.flush()
    os._exit(0)  # no interpreter shutdown: nothing the submission registered (atexit, __del__) runs after this


if __name__ == "__main__":
    main()
