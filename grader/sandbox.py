"""Run a submission's code and the probes of the hidden tests in a separate, locked-down Python process."""

import io
import json
import os
import site
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import torch

BOOT = Path(__file__).with_name("sandbox_boot.py")


class SandboxError(Exception):
    """The sandbox gave no readable answer (it crashed, was killed, ran out of time or wrote garbage)."""


def readable_roots():
    """Where the sandbox may read: the Python installation and its site-packages (never the course directory,
    except the virtual environment's own site-packages when it lives there)."""
    paths = {sys.base_prefix, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"],
             sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages(), "/dev/null",
             "/proc/self", "/sys/devices/system/cpu", "/etc/localtime", "/usr/share/zoneinfo", "/usr/lib", "/lib"}
    return sorted(paths)


def run_in_sandbox(cells, probes_source, parts, *, seed=0, timeout=120, cpu_seconds=120,
                   remove_library_dropout=True):
    """Execute ``cells`` (a list of ``{"id", "source"}``) in a fresh sandbox process, then each probe of ``parts``.

    Returns:
        ``{"cells": {id: error or None}, "parts": {part: {"observations": ...} or {"error": ...}}, "output": str}``.

    Raises:
        SandboxError: when the process gives no readable answer.
    """
    request = json.dumps({
        "cells": cells, "probes_source": probes_source, "parts": list(parts), "seed": seed,
        "cpu_seconds": cpu_seconds, "readable_roots": readable_roots(),
        "remove_library_dropout": remove_library_dropout,
    })
    env = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HOME": "/nonexistent",
           "LANG": "C.UTF-8"}
    with tempfile.TemporaryDirectory(prefix="sandbox-") as workdir:
        try:
            proc = subprocess.run([sys.executable, "-I", "-X", "utf8", str(BOOT)], input=request.encode(),
                                  capture_output=True, cwd=workdir, env=env, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise SandboxError(f"the submission did not finish within {timeout} seconds") from None
    if proc.returncode != 0 or not proc.stdout:
        raise SandboxError(f"the submission stopped the process that ran it (exit status {proc.returncode})")
    try:
        result = torch.load(io.BytesIO(proc.stdout), weights_only=True)
    except Exception:
        raise SandboxError("the submission corrupted the channel that reports its results") from None
    if not isinstance(result, dict) or not {"cells", "parts"} <= set(result):
        raise SandboxError("the submission corrupted the channel that reports its results")
    return result
