"""Run a submission's code and the probes of the hidden tests where they can reach nothing.

The operating system holds the walls. One sandbox server (``grader/sandbox_boot.py``) runs under bubblewrap: new
user (uid nobody, no capability outside it), PID, mount, network, IPC and UTS namespaces, a root that shows only the
system's ``/usr``, the Python installation and its import paths read-only, and an empty ``/tmp``; never the course
directory (solutions, hidden tests, gradebook, submissions), never the network. It imports NumPy and PyTorch once;
each submission then runs in namespaces of its own inside it (see ``sandbox_boot``), with limits on memory,
processes, CPU time, file size and temporary space, and the judge's own deadline on wall time. The judge talks to
the server through a pipe and reads observations with ``torch.load(weights_only=True)``.

Without bubblewrap (or without user namespaces) the grader refuses to grade, unless the instructor accepts the
in-process sandbox (``in_process=True``; ``JudgedExecute.accept_in_process_sandbox``): the server then runs as the
grading user with the audit hook as its only wall, which CPython says is not a sandbox: C code (PyTorch's file
functions among others) can read and write whatever that user can, the course directory included.
"""

import io
import json
import multiprocessing.util
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader import policy
from grader.sandbox_boot import MEMORY_EXHAUSTED

BOOT = Path(__file__).with_name("sandbox_boot.py")
BOOT_INSIDE = "/sandbox/sandbox_boot.py"  # where the server's code is bound read-only under bubblewrap
START_SECONDS = 300  # importing PyTorch on a loaded machine can be slow
IN_PROCESS_HELP = ("the in-process sandbox runs submissions as the grading user with only an audit hook and the "
                   "screen around them: C code (PyTorch's file functions, for one) can read and write whatever that "
                   "user can, the course directory, the gradebook and other submissions included, start programs "
                   "and use the network")


class GraderError(Exception):
    """Something outside the submission failed (the sandbox could not start, a limit could not be set, ...): the
    submission is not graded, never given a zero."""


class SubmissionStopped(Exception):
    """The submission's own process tree ended without a report; ``status`` says how (``"timed out"``,
    ``"memory limit"`` or ``"crashed"``)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _system_binds():
    args = ["--ro-bind", "/usr", "/usr"]
    for path in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts"):
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    return args


def bubblewrap_command():
    """The command that starts the sandbox server under bubblewrap; GraderError when bubblewrap is missing."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise GraderError("bubblewrap is not installed, so submissions cannot be isolated: `make sandbox` installs "
                          "it (Debian package bubblewrap). To grade anyway, accept the in-process sandbox "
                          f"(JudgedExecute.accept_in_process_sandbox = True), knowing that {IN_PROCESS_HELP}.")
    uid = str(policy.SANDBOX_UID)
    args = [bwrap, "--unshare-all", "--unshare-user", "--uid", uid, "--gid", uid, "--hostname", "sandbox",
            "--die-with-parent", "--new-session", "--tmpfs", "/tmp", *_system_binds()]
    for path in [*policy.python_paths(), *policy.venv_files()]:
        args += ["--ro-bind", path, path]
    if os.path.realpath(sys.executable) != sys.executable:  # a virtual environment's interpreter is a symlink
        args += ["--dir", os.path.dirname(sys.executable), "--ro-bind", os.path.realpath(sys.executable),
                 sys.executable]
    return args + ["--ro-bind", str(BOOT), BOOT_INSIDE, "--proc", "/proc", "--dev", "/dev", "--chdir", "/tmp",
                   "--", sys.executable, "-I", "-X", "utf8", BOOT_INSIDE,
                   json.dumps(policy.import_paths())]


class _Server:
    """The sandbox server process, started on first use and ended with the judge's process."""

    def __init__(self, isolate):
        self.isolate = isolate
        self.workdir = tempfile.TemporaryDirectory(prefix="sandbox-")
        os.chmod(self.workdir.name, 0o700)
        command = (bubblewrap_command() if isolate
                   else [sys.executable, "-I", "-X", "utf8", str(BOOT), json.dumps(policy.import_paths())])
        env = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HOME": "/nonexistent",
               "LANG": "C.UTF-8", "MPLBACKEND": "Agg"}
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     cwd=self.workdir.name, env=env)
        self.buffer = bytearray()
        try:
            json.loads(self._read(None, time.monotonic() + START_SECONDS))
        except (TimeoutError, EOFError, ValueError):
            self.close()
            self.stderr.seek(0)
            why = self.stderr.read().decode(errors="replace").strip()[-1000:] or "no message"
            raise GraderError(f"the sandbox could not start ({'bubblewrap' if isolate else 'in-process'}): {why}"
                              + (". Are user namespaces enabled (sysctl user.max_user_namespaces)?" if isolate
                                 else "")) from None

    def alive(self):
        return self.proc.poll() is None

    def close(self):
        if self.alive():
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.workdir.cleanup()

    def _read(self, n, deadline):
        """Exactly ``n`` bytes, or up to and including the first newline when ``n`` is None."""
        fd = self.proc.stdout.fileno()
        while (self.buffer.find(b"\n") < 0) if n is None else (len(self.buffer) < n):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise EOFError
            self.buffer += chunk  # a bytearray: appending does not copy what was read before
        end = self.buffer.find(b"\n") + 1 if n is None else n
        data = bytes(self.buffer[:end])
        del self.buffer[:end]
        return data

    def request(self, request, timeout):
        """Send one request; return (header, payload bytes)."""
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout + 60  # the server itself enforces ``timeout`` on the submission
        header = json.loads(self._read(None, deadline))
        return header, self._read(header["length"], deadline)


_servers = {}


def _get_server(isolate):
    server = _servers.get(isolate)
    if server is None or not server.alive():
        server = _servers[isolate] = _Server(isolate)
        # at the end of this process: also of a forked pool worker, which ends without running atexit's functions
        multiprocessing.util.Finalize(server, server.close, exitpriority=0)
    return server


def _stopped(exit_status, timeout):
    """Why the submission's process tree ended without a report, from its exit status."""
    signals = {128 + s.value: s for s in signal.Signals}
    if exit_status == 128 + signal.SIGXCPU:
        return SubmissionStopped("timed out", f"the submission used more than {policy.CPU_SECONDS} s of CPU time")
    if exit_status in (MEMORY_EXHAUSTED, 128 + signal.SIGKILL):  # SIGKILL that the judge did not send: OOM
        return SubmissionStopped("memory limit", "the submission ran out of memory "
                                 f"(at most {policy.MEMORY_BYTES >> 20} MiB more than the interpreter per process)")
    how = f"signal {signals[exit_status].name}" if exit_status in signals else f"exit status {exit_status}"
    return SubmissionStopped("crashed", f"the submission stopped the process that ran it ({how})")


def run_in_sandbox(cells, probes_source, parts, *, seed=0, timeout=120, remove_library_dropout=True,
                   in_process=False):
    """Execute ``cells`` (a list of ``{"id", "source"}``) in a fresh sandboxed process tree, then each probe of
    ``parts``.

    Args:
        in_process: run without the operating system's walls (see the module's docstring for what that leaves
            open); only when the instructor accepted it explicitly.

    Returns:
        ``{"cells": {id: error or None}, "parts": {part: {"observations": ...} or {"error": ...}}, "output": str,
        "seconds": float}``.

    Raises:
        SubmissionStopped: the submission ended its process, ran out of time or memory, or garbled its report.
        GraderError: the sandbox could not start or lock the submission in.
    """
    import torch

    isolate = not in_process
    request = {
        "cells": cells, "probes_source": probes_source, "parts": list(parts), "seed": seed, "timeout": timeout,
        "isolate": isolate, "remove_library_dropout": remove_library_dropout,
        "limits": {"cpu_seconds": policy.CPU_SECONDS, "memory_bytes": policy.MEMORY_BYTES,
                   "processes": policy.PROCESSES, "file_bytes": policy.FILE_BYTES, "tmp_bytes": policy.TMP_BYTES,
                   "output_chars": policy.OUTPUT_CHARS, "reply_bytes": policy.REPLY_BYTES},
        "rules": {"tmp": "/tmp", "readable_roots": policy.readable_roots(), "hidden_roots": policy.hidden_roots(),
                  "refused_imports": sorted(policy.REFUSED_IMPORT_ROOTS),
                  "refused_events": sorted(policy.REFUSED_EVENTS | (
                      set() if isolate else policy.REFUSED_EVENTS_WITHOUT_ISOLATION))},
    }
    server = _get_server(isolate)
    try:
        header, payload = server.request(request, timeout)
    except (TimeoutError, EOFError, OSError, ValueError):
        server.close()  # a server in an unknown state is never reused
        raise GraderError("the sandbox server stopped answering") from None
    if not header["ready"]:
        raise GraderError("the sandbox could not lock the submission in: "
                          f"{header['reason'] or 'exit status %s' % header['exit']}")
    if header["timed_out"]:
        raise SubmissionStopped("timed out", f"the submission did not finish within {timeout} seconds")
    if not payload:
        raise _stopped(header["exit"], timeout)
    try:
        result = torch.load(io.BytesIO(payload), weights_only=True)
    except Exception:
        raise SubmissionStopped("crashed", "the submission corrupted the channel that reports its results") from None
    if not isinstance(result, dict) or not {"cells", "parts"} <= set(result):
        raise SubmissionStopped("crashed", "the submission corrupted the channel that reports its results")
    result["seconds"] = header["seconds"]
    return result
