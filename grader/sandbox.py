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
    """The sandbox server process, started on first use (or ahead of it: ``start_servers``) and ended with the
    judge's process."""

    def __init__(self, isolate, niceness=0):
        self.isolate = isolate
        # in-process, its working directory is private and empty; bubblewrap's server works in its own /tmp
        self.workdir = None if isolate else tempfile.mkdtemp(prefix="sandbox-")
        command = (bubblewrap_command() if isolate
                   else [sys.executable, "-I", "-X", "utf8", str(BOOT), json.dumps(policy.import_paths())])
        env = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HOME": "/nonexistent",
               "LANG": "C.UTF-8", "MPLBACKEND": "Agg"}
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     cwd=self.workdir or "/", env=env,
                                     preexec_fn=(lambda: os.nice(niceness)) if niceness else None)
        # a pool worker forked after ``start_servers`` uses a server that is not its child: the pidfd, not wait(),
        # tells when it has ended
        self.pidfd = os.pidfd_open(self.proc.pid)
        self.buffer = bytearray()
        self.started = False

    def wait_started(self):
        """Wait for the server's ``ready`` (it imports PyTorch first); GraderError when it does not come."""
        if self.started:
            return
        try:
            json.loads(self._read(None, time.monotonic() + START_SECONDS))
        except (TimeoutError, EOFError, ValueError):
            self.close()
            self.stderr.seek(0)
            why = self.stderr.read().decode(errors="replace").strip()[-1000:] or "no message"
            raise GraderError(f"the sandbox could not start ({'bubblewrap' if self.isolate else 'in-process'}): "
                              f"{why}" + (". Are user namespaces enabled (sysctl user.max_user_namespaces)?"
                                          if self.isolate else "")) from None
        self.started = True

    def let_go(self):
        """Close this process's ends of a server that another process uses (a sibling worker's)."""
        for stream in (self.proc.stdin, self.proc.stdout, self.stderr):
            stream.close()
        os.close(self.pidfd)
        self.pidfd = -1

    def alive(self):
        return self.pidfd >= 0 and not select.select([self.pidfd], [], [], 0)[0]

    def close(self):
        if self.alive():
            self.proc.stdin.close()
            if not select.select([self.pidfd], [], [], 5)[0]:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
                select.select([self.pidfd], [], [], 5)
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1
        self.proc.poll()  # reaps it, when it is this process's child
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

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
_started = []  # bubblewrap servers started ahead of their first request (start_servers), not yet claimed


def start_servers(count, niceness=0):
    """Start ``count`` bubblewrap sandbox servers now, without waiting for them: they import PyTorch while this
    process imports its own libraries. This process's first request takes the first one; a worker forked from it
    takes its own with ``claim_server``. Nothing is started without bubblewrap (the first request reports it)."""
    if shutil.which("bwrap") is None:
        return
    if not _started:
        multiprocessing.util.Finalize(None, _close_unclaimed, exitpriority=0)  # in this process only
    _started.extend(_Server(True, niceness) for _ in range(count))


def _close_unclaimed():
    while _started:
        _started.pop().close()


def claim_server(index):
    """In a worker forked after ``start_servers``: make the ``index``-th server started this worker's, and let go of
    the others (the siblings' own), so that each server ends with its worker. No server when there is none."""
    mine = _started[index] if index < len(_started) else None
    for server in _started:
        if server is not mine:
            server.let_go()
    _started.clear()
    if mine is not None:
        _adopt(mine)


def let_go_of_started():
    """In the process that started servers for its forked workers, once they are forked: they are the workers'."""
    for server in _started:
        server.let_go()
    _started.clear()


def _adopt(server):
    _servers[server.isolate] = server
    # at the end of this process: also of a forked pool worker, which ends without running atexit's functions
    multiprocessing.util.Finalize(server, server.close, exitpriority=0)


def _get_server(isolate):
    server = _servers.get(isolate)
    if server is None or not server.alive():
        server = _started.pop(0) if isolate and _started else _Server(isolate)
        _adopt(server)
    server.wait_started()
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
