"""Every module of the package stays under 400 lines: past that, a module holds two ideas."""

from __future__ import annotations

from pathlib import Path

import storyline

PACKAGE = Path(storyline.__file__).parent
LIMIT = 400


def test_every_module_is_under_400_lines():
    sizes = {str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines()) for path in PACKAGE.rglob("*.py")}
    assert len(sizes) > 50
    assert {path: lines for path, lines in sizes.items() if lines >= LIMIT} == {}
