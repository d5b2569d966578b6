"""The package's import rules.

The layers, "no pipeline stage imports another", no cycles and "cli, serve and watch never import
``storyline.store``" are import-linter contracts in ``pyproject.toml`` (``[tool.importlinter]``),
checked by ``lint-imports`` in ``make lint`` (CI) and here. What a contract cannot say — that
the drivers never reach ``sl.store`` as an attribute either — is checked on the syntax tree below.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import storyline

PACKAGE = Path(storyline.__file__).parent
ROOT = PACKAGE.parent


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    return subprocess.run([command, "--no-cache"], cwd=cwd, capture_output=True, text=True, env={"PYTHONPATH": str(cwd), "PATH": ""})


def test_the_import_contracts_hold():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "4 kept, 0 broken" in done.stdout


def test_the_contracts_see_a_stage_importing_another_and_a_cycle(tmp_path):
    """The same contracts on a copy of the package where ingest imports relate and text imports cli."""
    copy = tmp_path / "storyline"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (copy / "ingest" / "language.py").write_text((copy / "ingest" / "language.py").read_text() + "\ndef f():\n    import storyline.relate.duplicates\n")
    (copy / "text.py").write_text((copy / "text.py").read_text() + "\nif False:\n    import storyline.cli\n")
    done = lint_imports(tmp_path)
    assert done.returncode == 1
    assert "storyline.ingest.language -> storyline.relate.duplicates" in done.stdout
    assert "1 kept, 3 broken" in done.stdout


# --- one door to the store: the drivers of `Storyline` go through its methods ---------------

DRIVERS = [*sorted((PACKAGE / "cli").rglob("*.py")), *sorted((PACKAGE / "serve").rglob("*.py")), *sorted((PACKAGE / "watch").rglob("*.py"))]


def store_reaches(source: str) -> list[str]:
    """Each ``x.store`` attribute access and each import of ``storyline.store`` in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "store":
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("storyline.store"):
            found.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name.startswith("storyline.store")]
    return found


def test_the_store_finder_sees_a_reach():
    assert store_reaches("def f(sl):\n    with sl.store.transaction():\n        pass\n") == ["line 2: sl.store"]
    assert store_reaches("from storyline.store.sqlite import iso_utc\n") == ["line 1: from storyline.store.sqlite import ..."]
    assert store_reaches("def f(sl):\n    return sl.reader.list_stories()\n") == []


def test_cli_serve_and_watch_never_touch_the_store():
    assert len(DRIVERS) > 10
    reaches = {str(path.relative_to(PACKAGE)): store_reaches(path.read_text(encoding="utf-8")) for path in DRIVERS}
    assert {path: found for path, found in reaches.items() if found} == {}
