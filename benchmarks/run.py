"""What dropout costs, measured on this machine: `make bench` (under five minutes on 2 cores).

Prints four tables and writes them, with a description of the machine, to ``benchmarks/results.json``, which the
chapter "What dropout costs" shows:

1. forward+backward time and bytes saved for backward per element, each layer of the library against PyTorch's,
   from cache-resident sizes to far beyond the last-level cache;
2. training an MLP with dropout after every layer: bytes kept for backward, peak memory of the process, time;
3. Monte Carlo dropout, batched against the loop, T = 10, 50, 100 at batch sizes 1, 64, 256;
4. dropout's throughput as a fraction of a plain copy of the same tensor, the limit of a memory-bound operation.

Everything runs on one thread. The machine is shared and noisy, so every figure is a ratio of two things timed in
alternation in one run (the median of the per-round ratios), never an absolute time on its own.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from dropout_lib import alpha_dropout, dropout, feature_alpha_dropout, spatial_dropout
from dropout_lib.costs import saved_bytes, side_by_side
from dropout_lib.dropout import Dropout
from dropout_lib.mc import mc_dropout, mc_samples

HERE = Path(__file__).resolve().parent
SIZES = [2**12, 2**16, 2**20, 2**24]  # float32 elements: 16 KiB, 256 KiB, 4 MiB, 64 MiB


def machine():
    """CPU model, cores, caches and library versions."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    caches = {}
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        kind = (index / "type").read_text().strip()
        if kind != "Instruction":
            caches[f"L{(index / 'level').read_text().strip()}"] = (index / "size").read_text().strip()
    return {"cpu": cpu, "logical_cpus": os.cpu_count(), "caches_per_core_or_shared": caches,
            "threads_used": torch.get_num_threads(), "python": platform.python_version(), "torch": torch.__version__,
            "numpy": np.__version__, "platform": platform.platform()}


def spread(timed):
    """The smallest and largest per-round ratio, as text: how noisy the machine was."""
    return f"{timed['ratio_low']:.2f}-{timed['ratio_high']:.2f}"


def forward_backward(fn, x):
    grad = torch.ones_like(x)

    def step():
        fn(x).backward(grad)
        x.grad = None
    return step


LAYERS = {  # name: (ours, PyTorch's, input layout)
    "dropout": (lambda t: dropout(t, 0.5), lambda t: F.dropout(t, 0.5), "flat"),
    "dropout, lean": (lambda t: dropout(t, 0.5, lean=True), lambda t: F.dropout(t, 0.5), "flat"),
    "spatial_dropout (2d)": (lambda t: spatial_dropout(t, 0.5), lambda t: F.dropout2d(t, 0.5), "maps"),
    "spatial_dropout (2d), lean": (lambda t: spatial_dropout(t, 0.5, lean=True), lambda t: F.dropout2d(t, 0.5),
                                   "maps"),
    "alpha_dropout": (lambda t: alpha_dropout(t, 0.1), lambda t: F.alpha_dropout(t, 0.1, training=True), "flat"),
    "feature_alpha_dropout": (lambda t: feature_alpha_dropout(t, 0.1),
                              lambda t: F.feature_alpha_dropout(t, 0.1, training=True), "maps"),
}


def layer_input(n, layout):
    if layout == "flat":
        return torch.randn(n // 1024, 1024, requires_grad=True) if n >= 1024 else torch.randn(n, requires_grad=True)
    side = 8 if n <= 2**12 else 32  # (N, 16 channels, side, side)
    return torch.randn(n // (16 * side * side), 16, side, side, requires_grad=True)


def table_layers():
    rows = []
    for name, (ours, theirs, layout) in LAYERS.items():
        for n in SIZES:
            x = layer_input(n, layout)
            calls = max(1, 2**18 // n)
            timed = side_by_side({"pytorch": forward_backward(theirs, x), "ours": forward_backward(ours, x)},
                                 rounds=3 if n >= 2**24 else 7, calls=calls)
            rows.append({"layer": name, "elements": n, "MiB": n * 4 / 2**20,
                         "time_ours_over_pytorch": timed["ours"]["ratio"], "spread": spread(timed["ours"]),
                         "saved_bytes_per_element_ours": saved_bytes(ours, x) / n,
                         "saved_bytes_per_element_pytorch": saved_bytes(theirs, x) / n})
    return rows


def mlp(width, depth, drop):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.ReLU(), drop()]
    return nn.Sequential(*layers, nn.Linear(width, 10))


TRAINING = {"PyTorch nn.Dropout": lambda: nn.Dropout(0.5), "no dropout": nn.Identity,
            "library Dropout": lambda: Dropout(0.5), "library Dropout, lean": lambda: Dropout(0.5, lean=True)}
WIDTH, DEPTH, BATCH = 1024, 4, 1024


def training_step(model, x, y):
    def step():
        F.cross_entropy(model(x), y).backward()
        model.zero_grad(set_to_none=True)
    return step


def peak_rss_mib(variant):
    """How far a training step of the variant raises the resident memory of a fresh process above its level
    between steps: the activations kept for backward, the gradients and the temporaries."""
    # A fixed glibc mmap threshold: every block above 128 KiB is mapped on allocation and unmapped when freed, so
    # the resident size follows the live tensors instead of what the allocator keeps for later.
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MALLOC_MMAP_THRESHOLD_": "131072"}
    out = subprocess.run([sys.executable, __file__, "--peak", variant], capture_output=True, text=True, check=True,
                         env=env)
    return float(out.stdout.strip())


def run_peak(variant):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model, x, y = mlp(WIDTH, DEPTH, TRAINING[variant]), torch.randn(BATCH, WIDTH), torch.randint(10, (BATCH,))
    step = training_step(model, x, y)
    step()  # lazy initialisation and the allocator's first requests
    before = memory_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current resident size
    for _ in range(3):
        step()
    print((memory_kib("VmHWM") - before) / 1024)


def memory_kib(field):
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field))
    return int(line.split()[1])


def table_training():
    torch.manual_seed(0)
    x, y = torch.randn(BATCH, WIDTH), torch.randint(10, (BATCH,))
    models = {name: mlp(WIDTH, DEPTH, make) for name, make in TRAINING.items()}
    timed = side_by_side({name: training_step(m, x, y) for name, m in models.items()}, rounds=7)
    rows = []
    for name, model in models.items():
        kept = saved_bytes(lambda t: F.cross_entropy(model(t), y), x, exclude=model.parameters())
        rows.append({"model": name, "saved_MiB": kept / 2**20, "saved_bytes_per_unit": kept / (BATCH * WIDTH * DEPTH),
                     "step_peak_rss_MiB": peak_rss_mib(name), "time_over_pytorch_dropout": timed[name]["ratio"],
                     "spread": spread(timed[name])})
    return rows


def mc_mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, 256), nn.ReLU(),
                         nn.Dropout(0.5), nn.Linear(256, 10))


def table_mc():
    model, rows = mc_mlp(), []
    for batch in (1, 64, 256):
        x = torch.randn(batch, 784)
        for t in (10, 50, 100):
            def loop():
                with torch.no_grad(), mc_dropout(model):
                    return torch.stack([model(x) for _ in range(t)])

            def repeat():  # the input repeated T times along the batch, as BaaL's replicate_in_memory does
                with torch.no_grad(), mc_dropout(model):
                    return model(x.repeat(t, 1))
            timed = side_by_side({"loop": loop, "repeat": repeat, "ours": lambda: mc_samples(model, x, t)},
                                 rounds=5, calls=max(1, 20 // t) * (4 if batch == 1 else 1))
            rows.append({"batch": batch, "T": t, "speedup_repeat": 1 / timed["repeat"]["ratio"],
                         "speedup_ours": 1 / timed["ours"]["ratio"],
                         "spread_ours": f"{1 / timed['ours']['ratio_high']:.1f}-{1 / timed['ours']['ratio_low']:.1f}"})
    return rows


def table_copy():
    rows = []
    for n in SIZES:
        x = torch.randn(n)
        calls = max(1, 2**18 // n)
        timed = side_by_side({"copy": x.clone, "pytorch": lambda: F.dropout(x, 0.5),
                              "ours": lambda: dropout(x, 0.5)}, rounds=3 if n >= 2**24 else 7, calls=calls)
        rows.append({"elements": n, "MiB": n * 4 / 2**20, "copy_fraction_pytorch": 1 / timed["pytorch"]["ratio"],
                     "copy_fraction_ours": 1 / timed["ours"]["ratio"]})
    return rows


def markdown(rows):
    keys = list(rows[0])
    cell = lambda v: f"{v:.3g}" if isinstance(v, float) else str(v)  # noqa: E731
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    return "\n".join(lines + ["| " + " | ".join(cell(r[k]) for k in keys) + " |" for r in rows])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=HERE / "results.json", type=Path)
    parser.add_argument("--peak", help=argparse.SUPPRESS)  # internal: one training variant in a fresh process
    args = parser.parse_args()
    if args.peak:
        return run_peak(args.peak)
    torch.set_num_threads(1)
    start = time.perf_counter()
    results = {"machine": machine(), "command": "make bench"}
    for key, make in (("layers", table_layers), ("training", table_training), ("mc", table_mc),
                      ("copy", table_copy)):
        results[key] = make()
        print(f"\n## {key}\n\n{markdown(results[key])}", flush=True)
    results["seconds"] = time.perf_counter() - start
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"\n{json.dumps(results['machine'])}\n{results['seconds']:.0f} s; written to {args.out}")


if __name__ == "__main__":
    main()
