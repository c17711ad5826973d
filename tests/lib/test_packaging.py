"""pyproject.toml declares what the library imports: the layers need torch and NumPy only; the course's modules
`data`, `plotting` and `training` each need an optional extra of the same name."""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DISTRIBUTION = {"sklearn": "scikit-learn"}  # import name -> distribution name, where they differ
STANDARD = set(sys.stdlib_module_names) | {"dropout_lib"}


def names(requirements):
    return {req.split(">")[0].split("=")[0].split("[")[0].strip().lower() for req in requirements}


def third_party_imports(path):
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module.split(".")[0])
    return {DISTRIBUTION.get(name, name).lower() for name in found - STANDARD}


@pytest.mark.parametrize("path", sorted((ROOT / "dropout_lib").glob("*.py")), ids=lambda p: p.stem)
def test_every_import_is_declared(path):
    declared = names(PROJECT["dependencies"]) | names(PROJECT["optional-dependencies"].get(path.stem, []))
    assert third_party_imports(path) <= declared, f"{path.name} imports packages that pyproject.toml does not declare"


def test_one_extra_per_course_module():
    assert set(PROJECT["optional-dependencies"]) == {"data", "plotting", "training"}


def test_importing_the_library_needs_no_extra():
    # tqdm is left out: torch itself imports it
    code = ("import sys, dropout_lib; print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'matplotlib', 'sklearn', 'mlxtend', 'statsmodels', 'pandas'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
