"""The benchmark command's tables are built from working code (no time is asserted: only shapes and bytes)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.SIZES = [2**12]  # the smallest size only: this checks the code, not the machine
    return module


def test_layer_and_copy_tables_at_one_size(bench):
    layers = bench.table_layers()
    assert len(layers) == len(bench.LAYERS)
    by_name = {row["layer"]: row for row in layers}
    assert by_name["dropout"]["saved_bytes_per_element_ours"] == 1
    assert by_name["dropout, lean"]["saved_bytes_per_element_ours"] == 0
    assert by_name["dropout"]["saved_bytes_per_element_pytorch"] == 4
    assert all(row["time_ours_over_pytorch"] > 0 for row in layers)
    copy = bench.table_copy()
    assert [row["elements"] for row in copy] == [2**12]
    assert "| elements | MiB |" in bench.markdown(copy)


def test_machine_is_described(bench):
    machine = bench.machine()
    assert machine["cpu"] and machine["torch"] and machine["logical_cpus"] >= 1
