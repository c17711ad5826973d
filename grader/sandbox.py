"""Run a submission's code and the probes of the hidden tests in a separate, locked-down Python process.

One sandbox server (``grader/sandbox_boot.py``, started with ``python -I`` in an empty directory and a minimal
environment) imports NumPy and PyTorch once and forks a fresh child for every submission; the judge talks to it
through a pipe and reads the child's observations with ``torch.load(weights_only=True)``.
"""

import atexit
import io
import json
import os
import select
import site
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

BOOT = Path(__file__).with_name("sandbox_boot.py")
COURSE_ROOT = Path(__file__).resolve().parent.parent
MEMORY_BYTES = 4 << 30  # address space a submission may add to the interpreter's


class SandboxError(Exception):
    """The sandbox gave no readable answer (it crashed, was killed, ran out of time or wrote garbage)."""


def readable_roots():
    """Where the sandbox may read: the Python installation and its site-packages, a few system files."""
    paths = {sys.base_prefix, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"],
             sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages(), "/dev/null",
             "/proc/self", "/sys/devices/system/cpu", "/etc/localtime", "/usr/share/zoneinfo", "/usr/lib", "/lib"}
    return sorted(paths)


def hidden_roots():
    """Where the sandbox may never read, even below a readable root: the course directory (its solutions, the
    hidden tests, the gradebook), except what a more specific readable root allows (a virtual environment's
    site-packages inside it)."""
    return [str(COURSE_ROOT), str(Path.cwd().resolve())]


class _Server:
    """The sandbox server process, started on first use and ended with the judge's process."""

    def __init__(self):
        self.workdir = tempfile.TemporaryDirectory(prefix="sandbox-")
        env = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HOME": "/nonexistent",
               "LANG": "C.UTF-8"}
        self.proc = subprocess.Popen([sys.executable, "-I", "-X", "utf8", str(BOOT)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=self.workdir.name,
                                     env=env)
        self.buffer = bytearray()

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
        deadline = time.monotonic() + timeout + 60  # the server itself enforces ``timeout`` on the child
        header = json.loads(self._read(None, deadline))
        return header, self._read(header["length"], deadline)


_server = None


def _get_server():
    global _server
    if _server is None or not _server.alive():
        _server = _Server()
        atexit.register(_server.close)
    return _server


def run_in_sandbox(cells, probes_source, parts, *, seed=0, timeout=120, cpu_seconds=120,
                   remove_library_dropout=True):
    """Execute ``cells`` (a list of ``{"id", "source"}``) in a fresh sandbox process, then each probe of ``parts``.

    Returns:
        ``{"cells": {id: error or None}, "parts": {part: {"observations": ...} or {"error": ...}}, "output": str}``.

    Raises:
        SandboxError: when the process gives no readable answer.
    """
    import torch

    request = {
        "cells": cells, "probes_source": probes_source, "parts": list(parts), "seed": seed, "timeout": timeout,
        "cpu_seconds": cpu_seconds, "memory_bytes": MEMORY_BYTES, "readable_roots": readable_roots(),
        "hidden_roots": hidden_roots(), "remove_library_dropout": remove_library_dropout,
    }
    server = _get_server()
    try:
        header, payload = server.request(request, timeout)
    except (TimeoutError, EOFError, OSError, ValueError):
        server.close()  # a server in an unknown state is never reused
        raise SandboxError("the sandbox that ran the submission stopped answering") from None
    if header["timed_out"]:
        raise SandboxError(f"the submission did not finish within {timeout} seconds")
    if header["exit"] != 0 or not payload:
        raise SandboxError(f"the submission stopped the process that ran it (exit status {header['exit']})")
    try:
        result = torch.load(io.BytesIO(payload), weights_only=True)
    except Exception:
        raise SandboxError("the submission corrupted the channel that reports its results") from None
    if not isinstance(result, dict) or not {"cells", "parts"} <= set(result):
        raise SandboxError("the submission corrupted the channel that reports its results")
    return result
