"""No two modules under storyline/ import each other, directly or through others.

Every import counts: at module level, under ``TYPE_CHECKING`` and inside functions (a lazy
import hides a cycle, it does not remove it). ``from package import name`` counts as an import of
``package.name`` when that is a module, else of ``package``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import storyline

PACKAGE = Path(storyline.__file__).parent


def module_files(root: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package's __init__)."""
    found = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    modules = module_files(root)

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
            else:
                continue
            graph[name].update(t for t in map(known, targets) if t and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per back edge found by a depth-first search (empty when the graph is acyclic)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_cycle_finder_sees_a_cycle(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..c import C\n")
    (package / "c.py").write_text("def f():\n    import pkg.a\n")
    assert cycles(import_graph(package)) == [["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"]]
    (package / "c.py").write_text("import json\n")
    assert cycles(import_graph(package)) == []


def test_no_import_cycles_under_storyline():
    graph = import_graph(PACKAGE)
    assert "storyline.ingest.source" in graph["storyline.ingest.registry"]  # the graph sees TYPE_CHECKING imports
    assert cycles(graph) == []


# --- one door to the store: the drivers of `Storyline` go through its methods ---------------

DRIVERS = [PACKAGE / "cli.py", *sorted((PACKAGE / "serve").rglob("*.py")), *sorted((PACKAGE / "watch").rglob("*.py"))]


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
    assert store_reaches("def f(sl):\n    return sl.stories()\n") == []


def test_cli_serve_and_watch_never_touch_the_store():
    assert len(DRIVERS) > 10
    reaches = {str(path.relative_to(PACKAGE)): store_reaches(path.read_text(encoding="utf-8")) for path in DRIVERS}
    assert {path: found for path, found in reaches.items() if found} == {}
