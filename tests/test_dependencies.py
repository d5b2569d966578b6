"""`pip install storyline` without extras must bring every module the package imports."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import sys
import tomllib

from packaging.requirements import Requirement

from tests.conftest import ROOT


def _top_level_imports() -> dict[str, str]:
    """Top-level module name -> first file importing it, for every import under storyline/ (nested ones too)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "storyline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _declared_distributions() -> set[str]:
    """Distributions `[project].dependencies` installs by name, plus those its requested extras add."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared: set[str] = set()
    for line in pyproject["project"]["dependencies"]:
        requirement = Requirement(line)
        declared.add(_canonical(requirement.name))
        for extra in requirement.extras:
            for sub in metadata.requires(requirement.name) or []:
                sub_requirement = Requirement(sub)
                if sub_requirement.marker and sub_requirement.marker.evaluate({"extra": extra}):
                    declared.add(_canonical(sub_requirement.name))
    return declared


def test_every_third_party_import_is_a_declared_dependency():
    providers = metadata.packages_distributions()
    declared = _declared_distributions()
    undeclared = {}
    for module, where in _top_level_imports().items():
        if module in sys.stdlib_module_names or module == "storyline":
            continue
        distributions = {_canonical(d) for d in providers.get(module, [])}
        if not distributions & declared:
            undeclared[module] = (where, sorted(distributions) or "not installed")
    assert not undeclared, f"imported under storyline/ but not in [project].dependencies: {undeclared}"
